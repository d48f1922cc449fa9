"""Python handle on `scripts/lab`: build a lab, run commands in its namespaces, tear it down.

Used by the pytest fixtures in tests/lab/conftest.py and by bench/pmtu.py. Every lab gets a unique name (from the
process id and a counter), so labs of parallel test runs never collide, and records its owner process, so
`scripts/lab gc` removes labs whose test run crashed.
"""

from __future__ import annotations

import itertools
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[2]
LAB_SCRIPT = ROOT / "scripts" / "lab"
Mode = Literal["open", "blackhole", "icmp-blocked", "loss"]

# Building a lab takes about a second (more with WireGuard); a stuck `ip` must not hang a test run.
LAB_COMMAND_TIMEOUT_S = 60.0

_counter = itertools.count()


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = digits[digit] + text
        if number == 0:
            return text


def unique_name() -> str:
    """`v` + process id + counter in base 36: at most 10 characters, unique among live processes."""
    return f"v{_base36(os.getpid())}{_base36(next(_counter))}"[:10]


def lab_command(*args: str, timeout: float = LAB_COMMAND_TIMEOUT_S) -> str:
    result = subprocess.run(
        [str(LAB_SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, "LAB_QUIET": "1"},
    )
    if result.returncode != 0:
        raise RuntimeError(f"scripts/lab {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


def parse_env(text: str) -> dict[str, str]:
    """The `scripts/lab env` output: NAME=value lines, values shell-quoted."""
    values: dict[str, str] = {}
    for line in text.splitlines():
        if "=" not in line:
            continue
        key, _, raw = line.partition("=")
        parts = shlex.split(raw)
        values[key] = parts[0] if parts else ""
    return values


@dataclass
class Lab:
    """A running lab: client ns --veth-- router ns --veth (MTU N)-- server ns."""

    name: str
    env: dict[str, str]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    # Names and addresses, straight from `scripts/lab env`.
    @property
    def mode(self) -> str:
        return self.env["LAB_MODE"]

    @property
    def mtu(self) -> int:
        return int(self.env["LAB_MTU"])

    @property
    def loss(self) -> int:
        return int(self.env["LAB_LOSS"])

    @property
    def client_ns(self) -> str:
        return self.env["LAB_CLIENT_NS"]

    @property
    def router_ns(self) -> str:
        return self.env["LAB_ROUTER_NS"]

    @property
    def server_ns(self) -> str:
        return self.env["LAB_SERVER_NS"]

    @property
    def client_if(self) -> str:
        return self.env["LAB_CLIENT_IF"]

    @property
    def client_v4(self) -> str:
        return self.env["LAB_CLIENT_V4"]

    @property
    def client_v6(self) -> str:
        return self.env["LAB_CLIENT_V6"]

    @property
    def router_v4(self) -> str:
        return self.env["LAB_ROUTER_V4"]

    @property
    def router_v6(self) -> str:
        return self.env["LAB_ROUTER_V6"]

    @property
    def server_v4(self) -> str:
        return self.env["LAB_SERVER_V4"]

    @property
    def server_v6(self) -> str | None:
        """None when the path MTU is below IPv6's 1280 minimum (the kernel turns IPv6 off on that link)."""
        return self.env["LAB_SERVER_V6"] if self.env.get("LAB_IPV6") == "1" else None

    @property
    def wireguard(self) -> bool:
        return self.env.get("LAB_WIREGUARD") == "1"

    @property
    def wg_mtu(self) -> int | None:
        return int(self.env["LAB_WG_MTU"]) if self.wireguard else None

    @property
    def client_wg_if(self) -> str | None:
        return self.env.get("LAB_CLIENT_WG_IF")

    @property
    def server_wg_if(self) -> str | None:
        return self.env.get("LAB_SERVER_WG_IF")

    @property
    def client_wg_v4(self) -> str | None:
        return self.env.get("LAB_CLIENT_WG_V4")

    @property
    def server_wg_v4(self) -> str | None:
        return self.env.get("LAB_SERVER_WG_V4")

    @property
    def server_wg_v6(self) -> str | None:
        return self.env.get("LAB_SERVER_WG_V6")

    def wireguard_run_args(self) -> list[str]:
        """`vpndiag run` options for this lab's WireGuard set-up: the server, the protocol and the tunnel target."""
        assert self.server_wg_v4 is not None, "a lab made with wireguard=True"
        return ["--vpn-server", self.server_v4, "--protocol", "wireguard", "--target", self.server_wg_v4]

    @property
    def wg_port(self) -> int | None:
        return int(self.env["LAB_WG_PORT"]) if self.wireguard else None

    # Running things inside the namespaces.
    def run(
        self, ns: str, cmd: Sequence[str], *, timeout: float = 30.0, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["ip", "netns", "exec", ns, *cmd],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
            cwd=ROOT,
        )

    def client_run(
        self, cmd: Sequence[str], *, timeout: float = 30.0, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        return self.run(self.client_ns, cmd, timeout=timeout, check=check)

    def server_run(
        self, cmd: Sequence[str], *, timeout: float = 30.0, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        return self.run(self.server_ns, cmd, timeout=timeout, check=check)

    def router_run(
        self, cmd: Sequence[str], *, timeout: float = 30.0, check: bool = False
    ) -> subprocess.CompletedProcess[str]:
        return self.run(self.router_ns, cmd, timeout=timeout, check=check)

    def client_vpndiag(self, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
        """The real CLI (`python -m diag ...`) inside the client namespace, as a customer would run it."""
        return self.client_run([sys.executable, "-m", "diag", *args], timeout=timeout)

    def start(self, ns: str, cmd: Sequence[str]) -> subprocess.Popen[bytes]:
        """A long-running process in a namespace (a responder, a listener); stopped by `down()` at the latest."""
        process = subprocess.Popen(
            ["ip", "netns", "exec", ns, *cmd],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.processes.append(process)
        return process

    def start_in_server(self, cmd: Sequence[str]) -> subprocess.Popen[bytes]:
        return self.start(self.server_ns, cmd)

    # Changing a running lab (cheaper than building a new one).
    def set_mode(self, mode: Mode, loss: int | None = None) -> None:
        args = ["mode", mode, "--name", self.name]
        if loss is not None:
            args += ["--loss", str(loss)]
        lab_command(*args)
        self.env = parse_env(lab_command("env", "--name", self.name))

    def set_mtu(self, mtu: int) -> None:
        lab_command("mtu", str(mtu), "--name", self.name)
        self.env = parse_env(lab_command("env", "--name", self.name))

    def flush(self) -> None:
        """Forget the path MTUs the client's kernel learned, so the next measurement starts cold."""
        lab_command("flush", "--name", self.name)

    def down(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=5)
            if process.stderr is not None:
                process.stderr.close()
        self.processes.clear()
        lab_command("down", "--name", self.name)


def lab_up(
    mode: Mode,
    mtu: int,
    *,
    loss: int | None = None,
    wireguard: bool = False,
    wg_mtu: int = 1420,
    name: str | None = None,
    owner: int | None = None,
) -> Lab:
    """Build a lab (`scripts/lab up`) and return its handle; the caller must call `down()`."""
    lab_name = name or unique_name()
    args = ["up", mode, "--mtu", str(mtu), "--name", lab_name, "--owner", str(owner or os.getpid())]
    if loss is not None:
        args += ["--loss", str(loss)]
    if wireguard:
        args += ["--wireguard", "--wg-mtu", str(wg_mtu)]
    try:
        lab_command(*args)
    except BaseException:
        lab_command("down", "--name", lab_name)  # `up` undoes itself, but not when it was killed halfway
        raise
    return Lab(name=lab_name, env=parse_env(lab_command("env", "--name", lab_name)))


def collect_stale_labs() -> None:
    """Remove labs whose owner process died (a crashed or killed test run); live runs' labs stay."""
    lab_command("gc")
