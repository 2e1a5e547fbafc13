"""`atlas serve --share`: listens on the local network (and only then), says where and how."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from atlas.cli.share import lan_addresses
from benchmarks.offline_browser import free_port
from layers.qr import terminal_qr
from tests.app.test_serve import ROOT, _answers


def _reaches(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=3) as reply:
            return reply.status == 200
    except OSError:
        return False


@pytest.fixture
def lan() -> str:
    addresses = lan_addresses()
    if not addresses:
        pytest.skip("this computer has no network address besides localhost")
    return addresses[0]


def _serve(tmp_path: Path, *options: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "atlas.cli", "serve", "--port", str(port), *options],
        cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    return proc, port


@pytest.fixture
def stopper() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
            proc.communicate(timeout=20)


def test_share_listens_on_the_network_and_prints_where_and_the_code(
    tmp_path: Path, lan: str, stopper: list[subprocess.Popen[bytes]]
) -> None:
    proc, port = _serve(tmp_path, "--share", "--meeting-code", "4711")
    stopper.append(proc)
    assert _answers(f"http://127.0.0.1:{port}"), "the server did not answer within 60 s"
    assert _reaches(f"http://{lan}:{port}")
    proc.terminate()
    output = proc.communicate(timeout=20)[0].decode()
    assert f"http://{lan}:{port}" in output
    assert "meeting code for guests (look, not change): 4711" in output
    assert terminal_qr(f"http://{lan}:{port}") in output


def test_without_share_it_listens_on_this_computer_only(
    tmp_path: Path, lan: str, stopper: list[subprocess.Popen[bytes]]
) -> None:
    proc, port = _serve(tmp_path)
    stopper.append(proc)
    assert _answers(f"http://127.0.0.1:{port}"), "the server did not answer within 60 s"
    time.sleep(0.5)
    assert not _reaches(f"http://{lan}:{port}")


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (["--meeting-code", "4711"], "--meeting-code is for --share"),
        (["--share", "--meeting-code", "12"], "meeting code is too short"),
    ],
)
def test_wrong_share_options_are_refused(options: list[str], words: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "atlas.cli", "serve", *options],
        cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1 and words in done.stderr and "Traceback" not in done.stderr
