"""Running the OS's own tools for the checks: one place for timeouts, decoding and "could not run" reasons."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass

from diag.system import OsName, current_os

__all__ = ["OsName", "current_os"]

# The OS tools answer in well under a second; PowerShell's first start can take a few seconds on a slow laptop.
COMMAND_TIMEOUT_S = 8.0


def _oem_codepage() -> str | None:
    """Windows console tools (netsh, route, reg) write in the OEM code page, e.g. cp932 on Japanese Windows."""
    if sys.platform != "win32":
        return None
    import ctypes

    return f"cp{ctypes.windll.kernel32.GetOEMCP()}"


def decode_output(data: bytes, fallback: str | None = None) -> str:
    """UTF-8 when it is, otherwise the console code page (or `fallback`); never raises."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = fallback or _oem_codepage() or "latin-1"
    return data.decode(encoding, errors="replace")


@dataclass(frozen=True)
class CommandOutput:
    text: str | None
    """The command's standard output, or None when it could not be run."""
    reason: str | None = None
    """Why there is no output: missing tool, failure, timeout."""


def run_command(argv: list[str], timeout: float = COMMAND_TIMEOUT_S) -> CommandOutput:
    """Run an OS tool without a shell; a tool that is missing, fails or hangs gives a reason, not an exception."""
    if shutil.which(argv[0]) is None:
        return CommandOutput(None, f"{argv[0]} is not installed or not on PATH")
    try:
        done = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return CommandOutput(None, f"{argv[0]} did not answer within {timeout:g} s")
    except OSError as exc:
        return CommandOutput(None, f"{argv[0]} could not be started: {exc.strerror or exc}")
    if done.returncode != 0:
        message = decode_output(done.stderr).strip().splitlines()
        detail = message[-1] if message else f"exit status {done.returncode}"
        return CommandOutput(None, f"{argv[0]} failed: {detail}")
    return CommandOutput(decode_output(done.stdout))


def powershell(script: str, timeout: float = COMMAND_TIMEOUT_S) -> CommandOutput:
    """Run one PowerShell pipeline (Windows), without profiles, output as UTF-8 text."""
    prefix = "[Console]::OutputEncoding = [System.Text.Encoding]::UTF8; "
    return run_command(["powershell", "-NoProfile", "-NonInteractive", "-Command", prefix + script], timeout=timeout)
