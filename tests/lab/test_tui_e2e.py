"""End to end: the real `python -m diag tui` in tmux, in the lab's client namespace, against a real `vpndiag serve`.

Keys go in with send-keys and the screen comes back with capture-pane, as a customer's terminal would show it:
welcome -> checks -> results (English, then Japanese) -> send (consent, reference code) -> save (HTML) -> quit.
The path is the lab's 1400-byte link with working PMTUD, so the upload over TCP gets through.
"""

from __future__ import annotations

import os
import re
import shlex
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, require_root
from tests.lab.conftest import MakeLab
from tests.lab.labctl import Lab

pytestmark = pytest.mark.lab

COLUMNS, LINES = 120, 40
SERVER_PORT = 8080
# The wizard's own run deadline is 20 s; the rest is start-up of Python, Textual and the server.
SCREEN_TIMEOUT_S = 45.0
REFERENCE = re.compile(r"\b([A-Z0-9](?: [A-Z0-9]){3}) - ([A-Z0-9](?: [A-Z0-9]){3})\b")
CAPTURES = Path(os.environ.get("VPNDIAG_TUI_CAPTURES", "")) if os.environ.get("VPNDIAG_TUI_CAPTURES") else None


class Tmux:
    def __init__(self, name: str) -> None:
        self.name = name

    def start(self, command: str) -> None:
        # `read` holds the app back until the pane has its final size (an app started during tmux's resize can
        # come up at 80x24); the shell keeps the pane open after the app exits, so its exit status can be read.
        wrapped = f"read go; {command}; echo VPNDIAG-EXITED-$?; sleep 60"
        subprocess.run(
            [
                "tmux",
                "-u",
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(COLUMNS),
                "-y",
                str(LINES),
                "-c",
                str(ROOT),
                wrapped,
            ],
            check=True,
            timeout=10,
        )
        deadline = time.monotonic() + 10
        while self.size() != (COLUMNS, LINES):
            assert time.monotonic() < deadline, f"the tmux pane stayed {self.size()}"
            time.sleep(0.1)
        self.keys("Enter")

    def size(self) -> tuple[int, int]:
        shown = subprocess.run(
            ["tmux", "display", "-p", "-t", self.name, "#{pane_width} #{pane_height}"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.split()
        return int(shown[0]), int(shown[1])

    def keys(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True, timeout=10)

    def capture(self) -> str:
        result = subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", self.name], capture_output=True, text=True, check=True, timeout=10
        )
        return result.stdout

    def wait_for(self, text: str | re.Pattern[str], timeout: float = SCREEN_TIMEOUT_S) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            found = text.search(screen) if isinstance(text, re.Pattern) else text in screen
            if found:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} did not appear within {timeout} s; the screen shows:\n{screen}")

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True, timeout=10, check=False)


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    session = Tmux(f"vpndiag-e2e-{os.getpid()}")
    try:
        yield session
    finally:
        session.kill()


def _wait_healthy(lab: Lab, url: str) -> None:
    deadline = time.monotonic() + 30
    probe = f"import urllib.request; urllib.request.urlopen({url!r}, timeout=2).read()"
    while time.monotonic() < deadline:
        result = lab.client_run([sys.executable, "-c", probe], timeout=10)
        if result.returncode == 0:
            return
        time.sleep(0.3)
    raise AssertionError(f"vpndiag serve did not answer {url}")


def _keep(name: str, screen: str) -> None:
    if CAPTURES is not None:
        CAPTURES.mkdir(parents=True, exist_ok=True)
        (CAPTURES / f"{name}.txt").write_text(screen, encoding="utf-8")


def _serve_and_open(lab: Lab, tmux: Tmux, tmp_path: Path) -> tuple[Path, Path, subprocess.Popen[bytes]]:
    """`vpndiag serve` in the server namespace; the wizard in the client namespace, in tmux.

    -> (the server's database, the wizard's HOME, the server process)."""
    endpoint = f"http://{lab.server_v4}:{SERVER_PORT}"
    db = tmp_path / "server.db"
    serve = ["serve", "--http", f"{lab.server_v4}:{SERVER_PORT}", "--db", f"sqlite:///{db}", "--rate-limit", "0"]
    server = lab.start_in_server([sys.executable, "-m", "diag", *serve])
    _wait_healthy(lab, f"{endpoint}/healthz")

    profile = tmp_path / "profile.toml"
    profile.write_text(
        f'provider = "Lab VPN"\nendpoint = "{endpoint}"\n\n'
        f'[[vpn_servers]]\nname = "Lab server"\nhost = "{lab.server_v4}"\nprotocol = "wireguard"\n',
        encoding="utf-8",
    )
    home = tmp_path / "home"
    home.mkdir()
    env = f"HOME={home} VPNDIAG_DATA_DIR={tmp_path / 'data'} LANG=C.UTF-8 TERM=xterm-256color"
    # -u COLUMNS -u LINES: the size must come from the pane, not from variables tmux passed on from the test run.
    wizard = f"{shlex.quote(sys.executable)} -m diag tui --profile {profile} --lang en"
    tmux.start(f"ip netns exec {lab.client_ns} env -u COLUMNS -u LINES {env} {wizard}")
    return db, home, server


def test_wizard_whole_flow_in_the_lab(make_lab: MakeLab, tmux: Tmux, tmp_path: Path) -> None:
    require_root("tmux end-to-end test of the wizard", ("tmux", "ip"))
    lab = make_lab("open", 1400)
    db, home, _server = _serve_and_open(lab, tmux, tmp_path)

    welcome = tmux.wait_for("Start the check")
    _keep("welcome-en", welcome)
    assert "Lab VPN connection check".center(COLUMNS).rstrip() in welcome.splitlines(), "the app must fill the pane"
    tmux.keys("Enter")
    results_en = tmux.wait_for("What to do")
    _keep("results-en", results_en)
    assert f"The largest packet that gets through to {lab.server_v4} is 1400 bytes." in results_en

    tmux.keys("F2")
    results_ja = tmux.wait_for("対処方法")
    _keep("results-ja", results_ja)
    assert f"{lab.server_v4} に届く最大のパケットは 1400 バイトです。" in results_ja
    # The findings themselves are diagnosed again in Japanese, not left in English.
    assert re.search(r"\[警告\] .*[\u3040-\u30ff\u4e00-\u9fff]", results_ja), results_ja
    tmux.keys("F2")
    tmux.wait_for("What to do")

    tmux.keys("s")
    _keep("send-en", tmux.wait_for("Send the report to Lab VPN"))
    tmux.keys("Space")  # the consent box has the focus
    # The Send button becomes focusable once the box is ticked; the tick shows only as a colour, so give a loaded
    # machine time to process it before moving the focus.
    time.sleep(2.0)
    tmux.keys("Tab")
    tmux.keys("Enter")
    sent = tmux.wait_for(REFERENCE)
    _keep("sent-en", sent)
    match = REFERENCE.search(sent)
    assert match is not None
    shown = (match.group(1) + "-" + match.group(2)).replace(" ", "")
    with sqlite3.connect(db) as connection:
        stored = [row[0] for row in connection.execute("SELECT reference FROM reports")]
    assert stored == [shown]

    tmux.keys("Escape")
    tmux.wait_for("What to do")
    tmux.keys("w")
    tmux.wait_for("Save the report to a file")
    tmux.keys("Enter")  # the Save button has the focus; HTML is the default format
    _keep("saved-en", tmux.wait_for("Saved to"))
    saved = list(home.glob("vpndiag-*.html"))
    assert len(saved) == 1
    assert "1400" in saved[0].read_text(encoding="utf-8")

    tmux.keys("C-q")
    tmux.wait_for("VPNDIAG-EXITED-0", timeout=15)


def test_wizard_finds_the_black_hole_and_keeps_the_report_it_cannot_send(
    make_lab: MakeLab, tmux: Tmux, tmp_path: Path
) -> None:
    """The customer's real problem: a 1400-byte path that drops frag-needed. Then support's server goes away before
    the customer presses Send: the report must land in the outbox, and the screen must say so."""
    require_root("tmux end-to-end test of the wizard", ("tmux", "ip"))
    lab = make_lab("blackhole", 1400)
    db, _home, server = _serve_and_open(lab, tmux, tmp_path)

    tmux.wait_for("Start the check")
    tmux.keys("Enter")
    results_en = tmux.wait_for("What to do")
    _keep("blackhole-results-en", results_en)
    assert f"The largest packet that gets through to {lab.server_v4} is 1400 bytes." in results_en
    assert "PMTUD black hole" in results_en
    tmux.keys("F2")
    _keep("blackhole-results-ja", tmux.wait_for("対処方法"))
    tmux.keys("F2")
    tmux.wait_for("What to do")

    server.terminate()
    server.wait(timeout=10)
    tmux.keys("s")
    tmux.wait_for("Send the report to Lab VPN")
    tmux.keys("Space")
    time.sleep(2.0)
    tmux.keys("Tab")
    tmux.keys("Enter")
    # The client retries a refused connection a few times with backoff (diag.upload.client.RetryPolicy) first.
    queued = tmux.wait_for("vpndiag upload --pending", timeout=120)
    _keep("blackhole-queued-en", queued)
    outbox = list((tmp_path / "data" / "outbox").glob("*.json"))
    assert len(outbox) == 1
    with sqlite3.connect(db) as connection:
        assert list(connection.execute("SELECT reference FROM reports")) == []
