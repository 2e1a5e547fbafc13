"""``atlas serve``: the app in the browser, on the embedded sample or the user's files.

The process becomes the Streamlit server (``exec``), so that stopping it stops the server.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from atlas.cli.console import Progress
from atlas.cli.inputs import load_files, measure
from atlas.cli.options import add_data_options, add_db, config_of, pairs
from atlas.cli.share import MIN_CODE, lan_addresses, new_meeting_code
from atlas.errors import DataFileError, SchemaError
from atlas.load.limits import upload_limits
from atlas.measure import load_standard
from atlas.registry import APP_SCRIPT, SERVE_ENV
from atlas.store import open_store, register_size, sync_register

__all__ = ["add_parser", "run"]

#: Streamlit's command line with its old multipage rule switched off: a folder named pages/
#: beside the main script made the first link opened on a fresh server (e.g. /clusters) run
#: that page file alone, without the sidebar and st.navigation of streamlit_app.py. The app
#: defines its pages with st.navigation, which switches the rule off too, but only once it has
#: run. The atlas and its drawing modules (and the libraries they use: mapclassify, scipy,
#: matplotlib...) are imported before the server answers, not in the first browser's first
#: run: seconds a dataset's first open no longer waits for. (Not pages/: their Streamlit
#: caches are made once the runtime exists.) With ATLAS_APP_PROFILE set, every script run
#: is profiled to the server's log (pages.state.profiling, for benchmarks/app_session.py
#: --profile). (A string run by the server's Python: the atlas package never imports
#: streamlit.)
_STREAMLIT = (
    "import sys\n"
    "from streamlit.runtime.pages_manager import PagesManager\n"
    "from streamlit.web.cli import main\n"
    "PagesManager.uses_pages_directory = False\n"
    "import importlib, os, pkgutil\n"
    "import atlas.history, atlas.raster, atlas.store, layers\n"
    "for module in pkgutil.iter_modules(layers.__path__):\n"
    "    importlib.import_module('layers.' + module.name)\n"
    "if os.environ.get('ATLAS_APP_PROFILE'):\n"
    "    from pages.state.profiling import install\n"
    "    install()\n"
    "sys.argv[0] = 'streamlit'\n"
    "main()\n"
)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve`` to the ``atlas`` command."""
    serve = subparsers.add_parser(
        "serve", help="start the app in the browser (on the sample or your files)"
    )
    add_data_options(serve)
    add_db(serve)
    serve.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    serve.add_argument(
        "--share",
        action="store_true",
        help="listen on the local network too (a hotspot, the office Wi-Fi) and print the "
        "addresses and a QR code for phones; others sign in, or enter the meeting code to "
        "look without changing anything (default: this computer only)",
    )
    serve.add_argument(
        "--meeting-code",
        metavar="CODE",
        help="the code read-only guests enter with --share (default: a new six-digit code)",
    )
    opening = serve.add_mutually_exclusive_group()
    opening.add_argument(
        "--browser",
        action="store_true",
        help="open the app in this computer's browser once it is ready",
    )
    opening.add_argument(
        "--no-browser",
        action="store_true",
        help="do not open a browser (the default; kept for scripts that pass it)",
    )


#: A watcher run beside the server: wait until it answers, then open the browser on it.
_OPEN_WHEN_READY = (
    "import sys, time, urllib.request, webbrowser\n"
    "url = sys.argv[1]\n"
    "for _ in range(600):\n"
    "    try:\n"
    "        urllib.request.urlopen(url + '/_stcore/health', timeout=2)\n"
    "        webbrowser.open(url)\n"
    "        break\n"
    "    except OSError:\n"
    "        time.sleep(0.5)\n"
)


def _open_when_ready(url: str) -> None:
    """Open ``url`` in the browser once the server there answers (from a detached process,
    since this one becomes the server)."""
    subprocess.Popen(
        [sys.executable, "-c", _OPEN_WHEN_READY, url],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _announce(addresses: list[str], port: int, code: str) -> None:
    """Say where phones on the network open the app, with a QR code of the first address."""
    if not addresses:
        print(
            "atlas: --share found no network to share on: connect this computer to the Wi-Fi "
            "or switch on its hotspot, then start again.",
            file=sys.stderr,
        )
        return
    from layers.qr import terminal_qr  # drawing only when sharing

    print("atlas: phones and computers on the same network open:", file=sys.stderr)
    for address in addresses:
        print(f"    http://{address}:{port}", file=sys.stderr)
    print(f"atlas: meeting code for guests (look, not change): {code}", file=sys.stderr)
    print(terminal_qr(f"http://{addresses[0]}:{port}"), file=sys.stderr)


def streamlit_options(port: int, *, share: bool, upload_mb: int) -> list[str]:
    """The options `atlas serve` runs Streamlit with.

    >>> options = streamlit_options(8501, share=False, upload_mb=200)
    >>> options[options.index("--server.fileWatcherType") + 1]
    'none'
    >>> options[options.index("--server.address") + 1]
    '127.0.0.1'
    """
    return [
        "--server.port",
        str(port),
        "--server.address",
        "0.0.0.0" if share else "127.0.0.1",
        "--server.enableStaticServing",
        "true",
        # The same number as the atlas's own check (MB of 2**20 bytes, as Streamlit counts).
        "--server.maxUploadSize",
        str(upload_mb),
        "--browser.gatherUsageStats",
        "false",
        # No full garbage collection after every script run: with a metro's layers in the
        # caches it took half a second of every run of every session, holding the lock the
        # server's own thread needs to send the page (Python's collector still runs as
        # objects are made).
        "--runner.postScriptGC",
        "false",
        # No watching of the app's files: a person using the atlas does not edit its code, and
        # a watcher on a tree that holds a log, a store or test artifacts wakes on every line
        # written (a 2-core machine overflowed its inotify queue and fell behind).
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        # Always headless: Streamlit then never stops at its e-mail prompt (which kills a
        # server started without a terminal, e.g. by a service manager). The browser, when
        # asked for, is opened by a small watcher once the server answers.
        "--server.headless",
        "true",
    ]


def run(args: argparse.Namespace) -> int:
    """Run ``atlas serve``: check the files, then become the Streamlit server."""
    app = APP_SCRIPT
    if not app.exists():
        raise DataFileError(
            f"The app script {app} is missing: reinstall the atlas from its checkout."
        )
    config = config_of(args)
    load_standard(args.standard)
    if args.meeting_code is not None and not args.share:
        raise SchemaError("--meeting-code is for --share: add --share to let guests in.")
    code = (args.meeting_code or "").strip() or (new_meeting_code() if args.share else None)
    if code is not None and len(code) < MIN_CODE:
        raise SchemaError(f"The meeting code is too short: use at least {MIN_CODE} characters.")
    spec: dict[str, object] = {
        "standard": args.standard,
        "workers": config.workers,
        "zeros_are_counts": args.zeros_are_counts,
    }
    if config.metric_crs:
        spec["metric_crs"] = config.metric_crs
    if args.municipality_name:
        spec["municipality_name"] = args.municipality_name
    files: dict[str, str] = {}
    if args.settlements or args.services:
        files = {
            k: str(Path(getattr(args, k)).resolve())
            for k in ("settlements", "services", "wards", "clusters")
            if getattr(args, k)
        }
        # Check the files before starting a server the user would find broken.
        load_files(argparse.Namespace(**{**vars(args), **files}), config, Progress(quiet=True))
        spec.update(
            files,
            map=args.map,
            crs=sorted(pairs(args.crs, "--crs").items()),
            # The app reads the files as they were checked here (the same layers and encodings).
            layers=sorted(pairs(args.file_layer, "--file-layer").items()),
            encoding=sorted(pairs(args.encoding, "--encoding").items()),
        )
    # Open (and create or upgrade) the store now: a store that cannot be opened stops here with
    # its reason, not in the browser.
    store = open_store(args.db)
    spec["db"] = store.url.render_as_string(hide_password=False)
    if register_size(store) == 0:
        _, result = measure(argparse.Namespace(**{**vars(args), **files}), Progress(quiet=True))
        sync_register(store, result, by="atlas serve")
    print(f"atlas: the cluster's records are kept in {store.where}", file=sys.stderr)
    store.close()
    addresses = lan_addresses() if args.share else []
    if args.share:
        spec["share"] = {
            "urls": [f"http://{a}:{args.port}" for a in addresses],
            "meeting_code": code,
        }
    limits = upload_limits()  # a wrong ATLAS_MAX_… stops here, not in the browser
    env = {**os.environ, SERVE_ENV: json.dumps(spec)}
    command = [
        sys.executable,
        "-c",
        _STREAMLIT,
        "run",
        str(app),
        *streamlit_options(args.port, share=args.share, upload_mb=limits.upload_mb),
    ]
    if args.browser:
        _open_when_ready(f"http://localhost:{args.port}")
    print(
        f"atlas: starting the app on http://localhost:{args.port} (Ctrl+C to stop)", file=sys.stderr
    )
    if args.share:
        _announce(addresses, args.port, str(code))
    if os.name == "posix":
        # Become the server: a signal to stop this process (Ctrl+C, a service manager, a test's
        # terminate()) then reaches Streamlit itself instead of orphaning it.
        os.chdir(app.parent)
        os.execve(sys.executable, command, env)
    return subprocess.call(command, env=env, cwd=app.parent)
