from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reports.model import Report
from tests.conftest import ROOT, run_vpndiag


def test_watch_without_anything_to_watch_says_what_to_give() -> None:
    env = {**os.environ, "VPNDIAG_PROFILE": str(ROOT / "diag" / "profiles" / "default.toml")}
    result = run_vpndiag("watch", "--minutes", "0.01", "--lang", "en", env=env)
    assert result.returncode == 2
    assert "--target" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="ICMP sockets on loopback need root here")
def test_ctrl_c_ends_the_watch_and_still_writes_the_report(tmp_path: Path) -> None:
    out = tmp_path / "watch.json"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "diag",
            "watch",
            "--minutes",
            "0",
            "--interval",
            "0.3",
            "--target",
            "127.0.0.1",
            "--json",
            str(out),
            "--lang",
            "en",
        ],
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Interrupt only once the watch is sampling: on a loaded machine the start-up alone can take seconds.
    assert child.stderr is not None
    seen = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = child.stderr.readline()
        seen.append(line)
        if " | tunnel: " in line or not line:
            break
    child.send_signal(signal.SIGINT)
    _, stderr_tail = child.communicate(timeout=20)
    stderr = "".join(seen) + stderr_tail
    assert child.returncode == 0, stderr
    assert "Traceback" not in stderr
    report = Report.model_validate(json.loads(out.read_text()))
    kinds = [e.kind for e in report.timeline]
    assert kinds[-1] == "watch_stopped"
    assert "reason=stopped" in report.timeline[-1].detail
    assert "small_ok" in kinds
    assert [f.id for f in report.findings] == ["watch_healthy"]
    assert " | tunnel: ok " in stderr  # the live view, one line per sample
    assert "Stopping after this sample" in stderr


def test_too_short_interval_is_a_sentence_not_a_traceback() -> None:
    result = run_vpndiag("watch", "--target", "127.0.0.1", "--interval", "0.01", "--lang", "en")
    assert result.returncode == 2
    assert "at least 0.2 seconds" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root to drop to nobody")
def test_without_icmp_permission_it_says_how_to_get_it() -> None:
    # nobody has neither raw sockets nor (with the kernel's default ping_group_range "1 0") ICMP datagram sockets.
    if Path("/proc/sys/net/ipv4/ping_group_range").read_text().split() != ["1", "0"]:
        pytest.skip("ping_group_range allows ICMP datagram sockets here")
    result = subprocess.run(
        [
            "setpriv",
            "--reuid=nobody",
            "--regid=nogroup",
            "--clear-groups",
            sys.executable,
            "-m",
            "diag",
            "watch",
            "--target",
            "127.0.0.1",
            "--minutes",
            "0.01",
            "--lang",
            "ja",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "ping_group_range" in result.stderr
    assert "ICMP ソケットが許可されていません" in result.stderr


def test_show_prints_the_timeline_of_a_saved_watch(tmp_path: Path) -> None:
    from reports.model import System, Tool
    from tests.diag.watch.timelines import LOST, OK, build

    report = Report(
        tool=Tool(version="0.1.0"),
        system=System(os="linux", privileged=True),
        timeline=build(lambda tick: (OK, LOST, OK), 12),
    )
    saved = tmp_path / "watch.json"
    saved.write_text(report.model_dump_json())
    result = run_vpndiag("show", str(saved), "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "Timeline" in result.stdout
    assert "04:00:00 – 04:00:11  large_lost ×12  size=1420" in result.stdout
