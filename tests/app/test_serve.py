"""`atlas serve` (and so `make run`) starts without a terminal and never stops at a prompt."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from benchmarks.offline_browser import free_port

ROOT = Path(__file__).resolve().parents[2]


def _answers(url: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                return reply.status == 200
        except OSError:
            time.sleep(0.3)
    return False


def test_serve_without_a_terminal_answers_and_opens_the_browser_when_asked(
    tmp_path: Path,
) -> None:
    port = free_port()
    opened = tmp_path / "opened.txt"
    # webbrowser runs $BROWSER with the URL: here a command that writes it down.
    browser = (
        f"{sys.executable} -c \"import sys; open({str(opened)!r}, 'w').write(sys.argv[1])\" %s"
    )
    env = {**os.environ, "BROWSER": browser}
    proc = subprocess.Popen(
        [sys.executable, "-m", "atlas.cli", "serve", "--port", str(port), "--browser"],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,  # no terminal: Streamlit's e-mail prompt would kill it
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert _answers(f"http://127.0.0.1:{port}"), "the server did not answer within 60 s"
        deadline = time.monotonic() + 20
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert opened.read_text() == f"http://localhost:{port}"
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0].decode(errors="replace")
    assert "Email" not in output and "email address" not in output


def test_serve_on_a_fresh_account_never_prompts_and_writes_no_credentials(
    tmp_path: Path,
) -> None:
    """No Streamlit credentials file, no terminal (HOME an empty folder, stdin /dev/null): the
    server answers at once and leaves HOME as it found it."""
    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    env = {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / ".local" / "share")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "atlas.cli", "serve", "--port", str(port), "--db", str(tmp_path / "a.sqlite")],
        cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        assert _answers(f"http://127.0.0.1:{port}"), "the server did not answer within 60 s"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as reply:
            assert reply.status == 200 and b"<html" in reply.read().lower()
    finally:
        proc.terminate()
        output = proc.communicate(timeout=20)[0].decode(errors="replace")
    assert "Email" not in output and "usage statistics" not in output.lower()
    assert not (home / ".streamlit" / "credentials.toml").exists()
