"""After a black hole showed up: the largest packet that still fits through the tunnel (role "tunnel", towards the
target inside it) and the path MTU to the VPN server outside it (role "underlay"), measured by the path-MTU engine
(diag/probe/engine.py `measure_path`). The first makes a safe MTU; the second, with the VPN's overhead, the exact
recommendation (reports/rules)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal

from diag.probe.engine import measure_path
from reports.i18n import Lang
from reports.model import PathResult

# The search must not hold up the report for long; the engine needs three or four rounds of about one RTT each, or
# one round timeout per round where sizes vanish (diag/probe/search.py), so ten seconds is plenty.
FIT_MAX_TIME_S = 10.0

Role = Literal["underlay", "tunnel"]
MeasurePath = Callable[[str, Role], Awaitable[PathResult]]


def path_measurer(lang: Lang = "en", max_time_s: float = FIT_MAX_TIME_S) -> MeasurePath:
    async def measure(target: str, role: Role) -> PathResult:
        return await measure_path(target, role=role, method="icmp", max_time=max_time_s, lang=lang)

    return measure


def fit_detail(path: PathResult, probe_size: int) -> str:
    """The `tunnel_fit` event's detail: what was measured, in the timeline's key=value form."""
    largest = path.pmtu if path.pmtu is not None else "-"
    return (
        f"largest={largest} size={probe_size} frag_needed={path.frag_needed} "
        f"exact={str(not path.gave_up and path.pmtu is not None).lower()} probes={path.probes_sent}"
    )
