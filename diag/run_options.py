"""What a run of the checks is asked to do, for `vpndiag run` and the wizard alike.

Its own module, light to import: the wizard builds these before any check module is loaded (it starts fast).
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.i18n import Lang

DEFAULT_DEADLINE_S = 20.0


@dataclass(frozen=True)
class RunOptions:
    targets: tuple[str, ...] = ()
    vpn_server: str | None = None
    protocol: str | None = None
    probe_server: str | None = None
    mss_server: str | None = None
    lang: Lang = "en"
    deadline_s: float = DEFAULT_DEADLINE_S
