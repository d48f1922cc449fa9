"""Shared test helpers.

Root-only tests call `require_root(reason)`: on a laptop they skip with the reason; in CI
(VPNDIAG_REQUIRE_LAB=1) a missing lab is a failure, so a broken CI machine can't pass by skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "schema" / "examples"
# A hostile but valid report (SECURITY.md "Known limits"): the model's 4096 probes on each of as many paths as fit
# in the 8 MiB a report may decompress to.
FULL_PROBES = 4096
FULL_PATHS = 22


def full_of_probes(data: dict[str, Any]) -> dict[str, Any]:
    """Report JSON `data` with FULL_PATHS copies of its first path, each with FULL_PROBES of its probes, cycled."""
    path = data["paths"][0]
    probes = path["probes"]
    path = {**path, "probes": [dict(probes[n % len(probes)]) for n in range(FULL_PROBES)]}
    return {**data, "paths": [dict(path) for _ in range(FULL_PATHS)]}


def lab_required() -> bool:
    return os.environ.get("VPNDIAG_REQUIRE_LAB") == "1"


def require_root(what: str, tools: tuple[str, ...] = ()) -> None:
    """Skip (or, in CI, fail) unless running as root with the given commands on PATH."""
    problems = []
    if os.geteuid() != 0:
        problems.append("needs root")
    problems += [f"{tool} is not installed" for tool in tools if shutil.which(tool) is None]
    if problems:
        message = f"{what}: {', '.join(problems)} (run ./scripts/test as root to install and run it)"
        if lab_required():
            pytest.fail(f"VPNDIAG_REQUIRE_LAB=1 but {message}")
        pytest.skip(message)


def run_vpndiag(
    *args: str,
    input_text: str | None = None,
    timeout: float = 60,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a child process (`python -m diag`), as a customer would."""
    return subprocess.run(
        [sys.executable, "-m", "diag", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=input_text,
        timeout=timeout,
        env=env,
        check=False,
    )


# Reliability figures (issue 10): tests add what they tried; the suite prints the totals at the end.
FIGURES: dict[str, int] = {}


def count_figure(name: str, amount: int = 1) -> None:
    """Add to a printed figure, e.g. count_figure("inputs tried", 300), count_figure("reports lost", lost)."""
    FIGURES[name] = FIGURES.get(name, 0) + amount


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for name in sorted(FIGURES):
        terminalreporter.write_line(f"{name:40} {FIGURES[name]:>10}")
