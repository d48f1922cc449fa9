"""Path-MTU discovery on the network lab: `vpndiag pmtu` against scamper, tracepath and hand bisection.

Builds a lab (scripts/lab; root), then in black-hole mode and in open mode measures, as whole processes in the
client namespace:
  - vpndiag pmtu TARGET --json (median of N runs, probes sent, exact or not)
  - scamper -c "trace -M" (once per mode, bounded by a timeout: it needs about a minute in a black hole)
  - tracepath -n (bounded by a timeout: it never finishes in a black hole)
  - a person bisecting by hand with `ping -M do -s N -c 1 -W 1` (and trying the MTU ping prints, when it does)
and prints one table. Also prints `python -c pass` as the interpreter's own start-up floor and the load average
(the lab shares its CPU with whatever else runs).

vpndiag runs as an installed copy would: with its bytecode cached (PYTHONDONTWRITEBYTECODE is dropped, and one
warm-up run writes the .pyc files), so the table shows the tool, not the compiler.

Run (root): .venv/bin/python bench/pmtu.py [--runs N] [--mtu M] [--skip-scamper]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.lab.labctl import Lab, lab_up  # noqa: E402

SCAMPER_TIMEOUT_S = 120.0
TRACEPATH_TIMEOUT_S = 10.0
HAND_LOW, HAND_HIGH = 576, 1500  # what a person assumes: 576 always works, the interface sends 1500


@dataclass
class Row:
    tool: str
    mode: str
    seconds: float | None  # median whole-process time; None when it timed out every time
    runs: int
    probes: str
    exact: str
    note: str = ""


def timed(lab: Lab, cmd: list[str], timeout: float) -> tuple[float, str | None]:
    """Seconds and stdout of one command in the client namespace; stdout None when it hit the timeout."""
    lab.flush()  # every run starts without a path MTU the kernel learned before
    started = time.perf_counter()
    try:
        result = lab.client_run(cmd, timeout=timeout)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, None
    return time.perf_counter() - started, result.stdout + result.stderr


def bench_vpndiag(lab: Lab, mode: str, runs: int) -> Row:
    times, probes, engine_ms, exact = [], [], [], 0
    for _ in range(runs):
        seconds, out = timed(lab, [sys.executable, "-m", "diag", "pmtu", lab.server_v4, "--json"], 30)
        assert out is not None
        result = json.loads(out.splitlines()[0])
        times.append(seconds)
        probes.append(result["probes_sent"])
        engine_ms.append(result["elapsed_ms"])
        exact += result["pmtu"] == lab.mtu and not result["gave_up"]
    return Row(
        "vpndiag pmtu",
        mode,
        statistics.median(times),
        runs,
        f"{statistics.median(probes):g} (max {max(probes)})",
        f"{exact}/{runs}",
        f"min {min(times):.3f} s, max {max(times):.3f} s; measuring itself {statistics.median(engine_ms):.0f} ms "
        "(the rest is Python start-up and imports)",
    )


def bench_scamper(lab: Lab, mode: str) -> Row:
    seconds, out = timed(lab, ["scamper", "-O", "text", "-c", "trace -M", "-i", lab.server_v4], SCAMPER_TIMEOUT_S)
    found = re.findall(r"\[\*?mtu: (\d+)\]", out or "")
    mtu = int(found[-1]) if found else None
    note = "timed out" if out is None else f"reported {mtu}"
    return Row(
        'scamper -c "trace -M"', mode, seconds if out is not None else None, 1, "-", f"{int(mtu == lab.mtu)}/1", note
    )


def bench_tracepath(lab: Lab, mode: str) -> Row:
    seconds, out = timed(lab, ["tracepath", "-n", lab.server_v4], TRACEPATH_TIMEOUT_S)
    match = re.search(r"Resume: pmtu (\d+)", out or "")
    mtu = int(match.group(1)) if match else None
    note = f"no answer within {TRACEPATH_TIMEOUT_S:g} s" if out is None else f"reported {mtu}"
    return Row("tracepath", mode, seconds if out is not None else None, 1, "-", f"{int(mtu == lab.mtu)}/1", note)


def hand_bisection(lab: Lab) -> tuple[float, int, int]:
    """What a support person does: ping -M do -W 1 at the largest size, then halve the gap; when ping prints
    "mtu = N", try N next and stop when it passes. Returns seconds, pings, and the answer."""
    lab.flush()
    started = time.perf_counter()
    low, high, pings = HAND_LOW, HAND_HIGH + 1, 0
    told_mtu: int | None = None
    candidate = HAND_HIGH
    while high - low > 1:
        pings += 1
        out = lab.client_run(
            ["ping", "-M", "do", "-s", str(candidate - 28), "-c", "1", "-W", "1", lab.server_v4], timeout=10
        )
        if out.returncode == 0:
            low = candidate
            if told_mtu == candidate:
                break  # the router said so and it passed: a person stops here
        else:
            high = candidate
            told = re.search(r"mtu ?[=:] ?(\d+)", out.stdout + out.stderr)
            if told and low < int(told.group(1)) < high:
                candidate = told_mtu = int(told.group(1))
                continue
        candidate = (low + high) // 2
    return time.perf_counter() - started, pings, low


def bench_hand(lab: Lab, mode: str, runs: int) -> Row:
    results = [hand_bisection(lab) for _ in range(runs)]
    exact = sum(answer == lab.mtu for _, _, answer in results)
    return Row(
        "hand bisection (ping -M do -W 1)",
        mode,
        statistics.median(seconds for seconds, _, _ in results),
        runs,
        f"{statistics.median(p for _, p, _ in results):g}",
        f"{exact}/{runs}",
    )


def python_floor(lab: Lab, runs: int) -> float:
    times = [timed(lab, [sys.executable, "-c", "pass"], 10)[0] for _ in range(runs)]
    return statistics.median(times)


def print_table(rows: list[Row], mtu: int, floor: float) -> None:
    header = ("tool", "mode", "median s", "runs", "probes", "exact", "note")
    lines = [
        (
            row.tool,
            row.mode,
            f"{row.seconds:.3f}" if row.seconds is not None else "-",
            str(row.runs),
            row.probes,
            row.exact,
            row.note,
        )
        for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=True)]
    print(f"\nPath MTU {mtu} on the lab (client - router - server), IPv4, whole processes in the client namespace.")
    print(f"python -c pass (interpreter start-up floor): {floor:.3f} s; load average {os.getloadavg()[0]:.2f}")
    for line in (header, tuple("-" * w for w in widths), *lines):
        print("| " + " | ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="vpndiag runs per mode (median)")
    parser.add_argument("--hand-runs", type=int, default=3)
    parser.add_argument("--mtu", type=int, default=1337)
    parser.add_argument("--skip-scamper", action="store_true", help="scamper needs about a minute in a black hole")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/pmtu.py builds the network lab: run it as root.")
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    lab = lab_up("blackhole", args.mtu)
    rows: list[Row] = []
    try:
        floor = python_floor(lab, args.runs)
        timed(lab, [sys.executable, "-m", "diag", "pmtu", lab.server_v4, "--json"], 30)  # writes the .pyc files
        for mode in ("blackhole", "open"):
            lab.set_mode(mode)
            rows.append(bench_vpndiag(lab, mode, args.runs))
            rows.append(bench_hand(lab, mode, args.hand_runs))
            rows.append(bench_tracepath(lab, mode))
            if not args.skip_scamper:
                rows.append(bench_scamper(lab, mode))
    finally:
        lab.down()
    print_table(rows, args.mtu, floor)


if __name__ == "__main__":
    main()
