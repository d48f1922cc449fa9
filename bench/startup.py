"""Start-up cost of the CLI: `./scripts/vpndiag --help` (the wrapper's fast path) and `vpndiag pmtu --help`.

Prints a table of medians over N runs; `python -c pass` is measured in the same run as the floor.
Run: .venv/bin/python bench/startup.py [N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_seconds(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    cases = {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "./scripts/vpndiag --help": [str(ROOT / "scripts" / "vpndiag"), "--help"],
        "vpndiag show --help": [sys.executable, "-m", "diag", "show", "--help"],
    }
    floor = None
    print(f"{'command':40} {'median ms':>10} {'x floor':>8}")
    for name, cmd in cases.items():
        seconds = median_seconds(cmd, runs)
        floor = floor or seconds
        print(f"{name:40} {seconds * 1000:10.1f} {seconds / floor:8.1f}")


if __name__ == "__main__":
    main()
