"""The engine's own light result, field for field the report's `PathResult` (reports/model.py).

`vpndiag pmtu` must start fast, and pydantic with the whole report model costs more to import than the black-hole
search takes, so the engine fills these plain dataclasses; `measure_path` turns them into a validated
`PathResult`, and `vpndiag pmtu --json` prints the same fields (a test checks both agree).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

ProbeOutcomeName = Literal["ok", "lost", "too_big", "error"]


@dataclass
class ProbeRecord:
    size: int
    outcome: ProbeOutcomeName
    reported_mtu: int | None = None
    rtt_ms: float | None = None
    round: int = 0


@dataclass(frozen=True)
class RttStats:
    min: float
    avg: float
    max: float


@dataclass
class PathMeasurement:
    target: str
    family: Literal[4, 6]
    role: Literal["underlay", "tunnel", "target"]
    icmp_echo: Literal["ok", "blocked", "unreachable"]
    address: str | None = None
    rtt_ms: RttStats | None = None
    loss: float | None = None
    pmtu: int | None = None
    pmtu_reason: str = ""
    method: Literal["icmp", "udp", "none"] = "none"
    frag_needed: Literal["delivered", "blocked", "unknown"] = "unknown"
    reported_mtu: int | None = None
    probes_sent: int = 0
    elapsed_ms: float = 0.0
    gave_up: bool = False
    probes: list[ProbeRecord] = field(default_factory=list)
    # Not part of the report: why the search stopped (diag.probe.search.Finish), for the human answer.
    search_finish: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, in PathResult's field order."""
        data = asdict(self)
        order = (
            "target",
            "address",
            "family",
            "role",
            "icmp_echo",
            "rtt_ms",
            "loss",
            "pmtu",
            "pmtu_reason",
            "method",
            "frag_needed",
            "reported_mtu",
            "probes_sent",
            "elapsed_ms",
            "gave_up",
            "probes",
        )
        return {key: data[key] for key in order}
