"""Where a script run's seconds go, for ``benchmarks/app_session.py --profile``.

Off unless the server was started with ``ATLAS_APP_PROFILE`` set (``atlas serve`` then calls
:func:`install` before Streamlit starts): each script run is profiled with :mod:`cProfile` and
the server's log gets, per run, its wall time, the bytes of the messages it sent to the browser
and the functions that took the most time (lines starting ``atlas-profile``). Nothing of a
session is kept: only timings and function names reach the log.
"""

from __future__ import annotations

import cProfile
import functools
import io
import pstats
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

__all__ = ["install"]

#: Bytes sent per script thread during its current run.
_SENT: dict[int, int] = {}
_TOP = 18


def _log(line: str) -> None:
    print(f"atlas-profile {line}", file=sys.stderr, flush=True)  # i18n-ignore: a log line


def _summary(profile: cProfile.Profile) -> list[str]:
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative")
    rows = []
    for func, (_cc, calls, _tt, cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        path, line, name = func
        if "pages/" in path or "layers/" in path or "streamlit_folium" in path or "atlas/" in path:
            rows.append((cum, calls, f"{path.rsplit('/', 2)[-2:]}:{line} {name}"))
    rows.sort(reverse=True)
    lines = [f"  {cum:7.3f} s {calls:6d}x {where}" for cum, calls, where in rows[:_TOP]]
    own = sorted(
        (
            (tt, calls, f"{func[0].rsplit('/', 2)[-2:]}:{func[1]} {func[2]}")
            for func, (_cc, calls, tt, _cum, _callers) in stats.stats.items()
        ),  # type: ignore[attr-defined]
        reverse=True,
    )
    lines.append("  own time (every function):")  # i18n-ignore: a log line
    lines += [f"  {tt:7.3f} s {calls:6d}x {where}" for tt, calls, where in own[:_TOP]]
    return lines


def install() -> None:
    """Profile every script run of this server (see the module's note)."""
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    run: Callable[..., Any] = ScriptRunner._run_script
    enqueue: Callable[..., Any] = ScriptRunner._enqueue_forward_msg

    @functools.wraps(enqueue)
    def counted(self: Any, msg: Any) -> Any:
        key = threading.get_ident()
        _SENT[key] = _SENT.get(key, 0) + msg.ByteSize()
        return enqueue(self, msg)

    @functools.wraps(run)
    def profiled(self: Any, rerun_data: Any) -> Any:
        key = threading.get_ident()
        _SENT[key] = 0
        profile = cProfile.Profile()
        began = time.time()
        start = time.perf_counter()
        profile.enable()
        try:
            return run(self, rerun_data)
        finally:
            profile.disable()
            took = time.perf_counter() - start
            page = getattr(rerun_data, "page_script_hash", "") or ""
            sent = _SENT.pop(key, 0) / 1e6
            # The clock time lines the run up with the browser's steps.
            line = f"run {took:.3f} s, sent {sent:.2f} MB, page {page[:8]}, clock {began:.3f}"  # i18n-ignore: log
            _log(line)
            for line in _summary(profile):
                _log(line)

    ScriptRunner._run_script = profiled  # type: ignore[method-assign]
    ScriptRunner._enqueue_forward_msg = counted  # type: ignore[method-assign]
