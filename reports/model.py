"""The report: the contract between the customer's tool and the support server.

Field names here are public (support tooling, the JSON Schema in schema/, stored reports): add freely, never rename.
A measurement the tool could not make is ``None`` with a reason beside it, never a guess.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

SCHEMA_VERSION = "1.0"

# Limits keep a hostile upload from exhausting the server; real reports are far below them.
MAX_NAME = 256
MAX_TEXT = 8192
MAX_ITEMS = 512

Name = Annotated[str, StringConstraints(max_length=MAX_NAME)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z0-9_.-]+$")]
# MTU bounds: 68 is the IPv4 minimum every link must carry (RFC 791); 65535 is the largest IP packet.
Mtu = Annotated[int, Field(ge=68, le=65535)]
EvidenceValue = int | float | str | bool | None


class _Strict(BaseModel):
    """Every part of the contract rejects unknown fields: a typo must not vanish silently.

    Numbers are finite: JSON's 1e999 parses as infinity, which no measurement is and which a stored report can't
    be read back with (it is written as null), so a report carrying one is refused where it is validated.
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class Severity(StrEnum):
    info = "info"
    warning = "warning"
    critical = "critical"


class AdapterKind(StrEnum):
    loopback = "loopback"
    ethernet = "ethernet"
    wifi = "wifi"
    cellular = "cellular"
    wireguard = "wireguard"
    openvpn_tun = "openvpn-tun"
    openvpn_tap = "openvpn-tap"
    ipsec = "ipsec"
    ppp = "ppp"
    l2tp = "l2tp"
    pptp = "pptp"
    sstp = "sstp"
    other_tunnel = "other-tunnel"
    unknown = "unknown"


VPN_KINDS = frozenset(
    {
        AdapterKind.wireguard,
        AdapterKind.openvpn_tun,
        AdapterKind.openvpn_tap,
        AdapterKind.ipsec,
        AdapterKind.l2tp,
        AdapterKind.pptp,
        AdapterKind.sstp,
        AdapterKind.other_tunnel,
    }
)


class Tool(_Strict):
    name: Name = Field("vpndiag", description="The program that wrote the report.")
    version: Name = Field(description="Its version.", examples=["0.1.0"])


class System(_Strict):
    os: Literal["linux", "macos", "windows", "android", "ios", "other"] = Field(description="Operating system.")
    os_version: Name = Field("", description="OS release as the OS reports it.", examples=["Debian 12", "10.0.22631"])
    arch: Name = Field("", description="CPU architecture.", examples=["x86_64", "arm64"])
    privileged: bool = Field(description="Whether the tool ran with administrator/root rights.")
    hostname: Name | None = Field(None, description="Host name (redacted before upload unless allowed).")
    locale: Name | None = Field(None, description="The OS locale, e.g. ja_JP.")
    python: Name | None = Field(None, description="Python version that ran the tool.")


class IpAddress(_Strict):
    address: Name = Field(description="The address (may be a pseudonym after redaction).")
    family: Literal[4, 6]
    prefixlen: int | None = Field(None, ge=0, le=128)
    scope: Literal["private", "public", "link-local", "loopback", "other"] | None = Field(
        None, description="Kept after redaction so support still knows what kind of address it was."
    )


class Adapter(_Strict):
    name: Name = Field(description="Interface name as the OS shows it.", examples=["wg0", "Wi-Fi", "utun3"])
    mtu: Mtu | None = Field(description="Configured MTU, or null when the OS did not say.")
    is_up: bool
    is_vpn: bool = Field(description="True for tunnel kinds (WireGuard, OpenVPN, IPsec, PPP-based VPNs).")
    kind: AdapterKind
    speed_mbps: int | None = Field(None, ge=0, description="Link speed, when the OS reports one.")
    mac: Name | None = Field(None, description="Hardware address (redacted before upload).")
    addresses: list[IpAddress] = Field(default_factory=list, max_length=MAX_ITEMS)
    description: Name | None = Field(None, description="Driver or description text (Windows, macOS).")
    detected_by: Name | None = Field(None, description="Why this kind was chosen: name pattern, driver, process.")


class Rtt(_Strict):
    min: float = Field(ge=0)
    avg: float = Field(ge=0)
    max: float = Field(ge=0)


class ProbeOutcome(StrEnum):
    ok = "ok"
    lost = "lost"
    too_big = "too_big"
    error = "error"


class Probe(_Strict):
    """One DF probe of the path-MTU search: what was sent and what came back. Drawn as the probe chart."""

    size: int = Field(ge=0, le=65535, description="Whole IP packet size in bytes.")
    outcome: ProbeOutcome
    reported_mtu: int | None = Field(None, description="Next-hop MTU carried by frag-needed / packet-too-big.")
    rtt_ms: float | None = Field(None, ge=0)
    round: int = Field(0, ge=0, description="Search round the probe was sent in.")


class PathResult(_Strict):
    """One probed path; `vpndiag pmtu --json` prints exactly one of these."""

    target: Name = Field(description="Host name or address as given.")
    address: Name | None = Field(None, description="The address actually probed.")
    family: Literal[4, 6]
    role: Literal["underlay", "tunnel", "target"] = Field(
        description="underlay: to the VPN server outside the tunnel; tunnel: through it; target: anything else."
    )
    icmp_echo: Literal["ok", "blocked", "unreachable"] = Field(
        description="ok: echo answered; blocked: no echo answer but the host is there or unknown; "
        "unreachable: no route or an ICMP unreachable came back."
    )
    rtt_ms: Rtt | None = Field(None, description="Round-trip times of the echo check, null when none came back.")
    loss: float | None = Field(None, ge=0, le=1, description="Echo loss ratio, null when not measured.")
    pmtu: int | None = Field(None, ge=0, le=65535, description="Path MTU in bytes, null when not measured.")
    pmtu_reason: Text = Field("", description="How the MTU was found, or why it is null.")
    method: Literal["icmp", "udp", "none"] = "none"
    frag_needed: Literal["delivered", "blocked", "unknown"] = Field(
        "unknown", description="Whether routers' fragmentation-needed / packet-too-big messages reach us."
    )
    reported_mtu: int | None = Field(None, description="Smallest next-hop MTU a router reported, if any.")
    probes_sent: int = Field(0, ge=0)
    elapsed_ms: float = Field(0, ge=0)
    gave_up: bool = Field(False, description="The search hit its probe or time limit before it was exact.")
    probes: list[Probe] = Field(default_factory=list, max_length=4096)


class RouteInfo(_Strict):
    destination: Name = Field(description="The destination looked up.")
    interface: Name | None = None
    gateway: Name | None = None
    source: Name | None = None
    via_tunnel: bool | None = Field(None, description="True when the route leaves through a VPN adapter.")


class Routes(_Strict):
    default_interface: Name | None = None
    default_gateway: Name | None = None
    vpn_server: RouteInfo | None = Field(None, description="The route to the VPN server.")
    reason: Text | None = Field(None, description="Why routes could not be read, when they could not.")


class MssResult(_Strict):
    local_mss: int | None = Field(None, description="TCP_MAXSEG of our connection to the support server.")
    server_seen_mss: int | None = Field(None, description="MSS option the server saw in our SYN.")
    sent_mss: int | None = Field(None, description="MSS our side advertised (from the adapter MTU).")
    clamped: bool | None = Field(None, description="True when something on the path lowered our MSS.")
    reason: Text | None = None


class Tcp(_Strict):
    window_scaling: bool | None = Field(None, description="RFC 7323 window scaling enabled.")
    max_receive_window: int | None = Field(None, ge=0, description="Largest receive window the OS will offer.")
    default_receive_window: int | None = Field(None, ge=0)
    autotuning_level: Name | None = Field(None, description="Windows receive-window auto-tuning level.")
    mtu_probing: int | None = Field(None, description="Linux net.ipv4.tcp_mtu_probing.")
    legacy_registry: dict[Name, int] = Field(
        default_factory=dict,
        description="Windows TcpWindowSize / GlobalMaxTcpWindowSize / Tcp1323Opts, if set.",
    )
    settings: dict[Name, Name] = Field(default_factory=dict, description="Raw values the figures come from.")
    rtt_ms: float | None = Field(None, ge=0, description="RTT used for the throughput cap.")
    throughput_cap_mbps: float | None = Field(None, ge=0, description="max window / RTT.")
    link_speed_mbps: float | None = Field(None, ge=0)
    bdp_bytes: int | None = Field(None, ge=0, description="Bandwidth-delay product for the link speed and RTT.")
    mss: MssResult | None = None
    reason: Text | None = Field(None, description="Why TCP settings could not be read, when they could not.")


class Vpn(_Strict):
    protocol: Name | None = Field(None, description="wireguard, openvpn-udp, ipsec, ... or null when unknown.")
    server: Name | None = Field(None, description="The VPN server's underlay address or name.")
    adapter: Name | None = Field(None, description="The tunnel adapter's name.")
    outer_family: Literal[4, 6] | None = None
    overhead_bytes: int | None = Field(None, ge=0, description="Bytes the tunnel adds to every inner packet.")
    tunnel_mtu: int | None = Field(None, description="The tunnel adapter's current MTU.")
    underlay_pmtu: int | None = Field(None, description="Measured path MTU to the VPN server.")
    recommended_mtu: int | None = Field(None, description="Tunnel MTU that fits the measured path.")
    recommended_mss: int | None = Field(None, description="MSS for inner IPv4 TCP (MTU - 40).")
    recommended_mss_v6: int | None = Field(None, description="MSS for inner IPv6 TCP (MTU - 60).")
    why: Text | None = Field(None, description="One line: how the recommendation follows from the figures.")
    detected_by: Name | None = None


class Finding(_Strict):
    id: Identifier = Field(description="Stable id, e.g. pmtud_blackhole.", examples=["pmtud_blackhole"])
    severity: Severity
    title: Text
    detail: Text
    evidence: dict[Name, EvidenceValue] = Field(description="The measured values the finding rests on.")
    confidence: float = Field(1.0, ge=0, le=1)

    @field_validator("evidence")
    @classmethod
    def _evidence_not_empty(cls, value: dict[str, EvidenceValue]) -> dict[str, EvidenceValue]:
        if not value:
            raise ValueError("a finding needs evidence")
        return value


Platform = Literal["windows", "macos", "linux", "android", "ios", "router", "server", "any"]


class FixStep(_Strict):
    platform: Platform
    text: Text
    command: Text | None = Field(None, description="A command to copy, when there is one.")


class Fix(_Strict):
    id: Identifier
    finding_ids: list[Identifier] = Field(min_length=1, max_length=64)
    title: Text
    steps: list[FixStep] = Field(min_length=1, max_length=64)


class CheckStatus(_Strict):
    """What became of one check: a check that couldn't run records why."""

    name: Identifier
    status: Literal["ok", "failed", "skipped", "needs_privileges", "timeout"]
    reason: Text | None = None
    elapsed_ms: float | None = Field(None, ge=0)


class Privacy(_Strict):
    consent: bool = Field(False, description="The customer agreed to send this report.")
    redacted: bool = Field(False, description="Addresses, names and paths were replaced by pseudonyms.")
    redaction_counts: dict[Name, int] = Field(default_factory=dict, description="How many of each kind.")
    public_ip_included: bool = False
    contact_email: Name | None = None
    ticket: Name | None = None
    message: Text | None = None


class WatchEvent(_Strict):
    at: datetime
    kind: Name = Field(description="e.g. adapter_down, small_ok, large_lost, underlay_lost.")
    detail: Text = ""
    value: float | None = None
    count: int = Field(
        1, ge=1, description="Samples this event stands for: repeats of the same result are one event (a run)."
    )
    until: datetime | None = Field(None, description="When the last sample of the run was taken (null: one sample).")
    tick: int | None = Field(
        None, ge=0, description="Index of the watch sample the run starts at; the run covers tick .. tick+count-1."
    )


class Report(_Strict):
    """A diagnosis run on one customer's machine."""

    schema_version: Literal["1.0"] = "1.0"
    report_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC), description="UTC, ISO 8601.")
    lang: Literal["en", "ja"] = Field("en", description="Language of titles and texts in findings and fixes.")
    tool: Tool
    system: System
    adapters: list[Adapter] = Field(default_factory=list, max_length=MAX_ITEMS)
    paths: list[PathResult] = Field(default_factory=list, max_length=64)
    routes: Routes | None = None
    tcp: Tcp | None = None
    vpn: Vpn | None = None
    findings: list[Finding] = Field(default_factory=list, max_length=MAX_ITEMS)
    fixes: list[Fix] = Field(default_factory=list, max_length=MAX_ITEMS)
    checks: list[CheckStatus] = Field(default_factory=list, max_length=MAX_ITEMS)
    timeline: list[WatchEvent] = Field(default_factory=list, max_length=10000)
    privacy: Privacy = Field(default_factory=Privacy)

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"$id": "https://vpndiag.invalid/schema/report-1.0.json"},
    )

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("created_at needs a time zone (UTC)")
        return value.astimezone(UTC)


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema of the report, as committed in schema/report.schema.json."""
    schema = Report.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
