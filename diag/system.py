"""This machine: which OS, which release, whether we have administrator rights; the report's `system` block.

One place for these facts, so the checks, the probe engine, `vpndiag run` and `vpndiag watch` agree. Light to import
(the path-MTU command uses it at start-up); the report model is imported only by `system_facts`.
"""

from __future__ import annotations

import contextlib
import locale
import os
import platform
import socket
import sys
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from reports.model import System

OsName = Literal["linux", "macos", "windows", "other"]


def current_os() -> OsName:
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "darwin":
        return "macos"
    if sys.platform == "win32":
        return "windows"
    return "other"


def os_version(os_name: OsName | None = None) -> str:
    name = os_name or current_os()
    if name == "linux":
        with contextlib.suppress(OSError):
            return platform.freedesktop_os_release().get("PRETTY_NAME", platform.release())[:256]
        return platform.release()
    if name == "macos":
        return platform.mac_ver()[0]
    return platform.version()[:256]


def is_privileged() -> bool:
    """Root on POSIX; an elevated (administrator) process on Windows."""
    if hasattr(os, "geteuid"):
        return os.geteuid() == 0
    try:
        import ctypes

        return bool(ctypes.windll.shell32.IsUserAnAdmin())  # type: ignore[attr-defined]
    except (AttributeError, OSError):
        return False


def system_facts() -> System:
    from reports.model import System

    name = current_os()
    try:
        os_locale = locale.getlocale()[0]
    except ValueError:
        os_locale = None
    return System(
        os=name,
        os_version=os_version(name),
        arch=platform.machine(),
        privileged=is_privileged(),
        hostname=socket.gethostname()[:256] or None,
        locale=os_locale,
        python=platform.python_version(),
    )
