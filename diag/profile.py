"""The provider profile: who the provider is, where reports and probes go, what may be collected.

A TOML file validated with pydantic. Lookup order: an explicit path (`--profile`), the VPNDIAG_PROFILE environment
variable, then the default shipped in diag/profiles/default.toml.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, ValidationError

from reports.errors import ProfileInvalid
from reports.load import describe_validation_error

DEFAULT_PROFILE = Path(__file__).parent / "profiles" / "default.toml"
PROFILE_ENV = "VPNDIAG_PROFILE"

HostPort = str  # "host:port"; checked by _host_port below


def _host_port(value: str) -> str:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{value!r} is not HOST:PORT (for example probe.example.net:4821)")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Support(_Strict):
    email: str | None = None
    url: HttpUrl | None = None
    phone: str | None = None
    hours: str | None = None


class VpnServer(_Strict):
    name: str = Field(description="What the customer sees, e.g. Tokyo 1.")
    host: str = Field(description="The server's underlay address or host name.")
    protocol: str = Field(description="wireguard, openvpn-udp, openvpn-tcp, ipsec, ikev2, l2tp, sstp, ...")
    tunnel_target: str | None = Field(None, description="An address inside the tunnel to probe through it.")


class Collection(_Strict):
    """What the provider allows the report to keep; everything else is redacted before upload."""

    public_ip: Literal["never", "ask", "always"] = "ask"
    hostnames: bool = False
    adapter_names: bool = True
    wifi_names: bool = False


class Profile(_Strict):
    provider: str = Field(description="The provider's name, shown in the wizard.")
    support: Support = Field(default_factory=Support)
    endpoint: HttpUrl | None = Field(None, description="Support server base URL; reports go to /api/v1/reports.")
    ingest_key: str | None = None
    ca_bundle: Path | None = Field(None, description="CA bundle for the endpoint's TLS, when it is private.")
    probe_servers: list[str] = Field(default_factory=list, description="UDP probe responders, HOST:PORT.")
    mss_server: str | None = Field(None, description="MSS reflector, HOST:PORT.")
    vpn_servers: list[VpnServer] = Field(default_factory=list)
    default_language: Literal["en", "ja"] | None = None
    collection: Collection = Field(default_factory=Collection)

    def model_post_init(self, __context: object) -> None:
        for value in [*self.probe_servers, *([self.mss_server] if self.mss_server else [])]:
            _host_port(value)


def load_profile(path: Path | None = None, environ: dict[str, str] | None = None) -> Profile:
    env = os.environ if environ is None else environ
    chosen = path or (Path(env[PROFILE_ENV]) if env.get(PROFILE_ENV) else DEFAULT_PROFILE)
    try:
        data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ProfileInvalid(
            f"The provider profile {chosen} does not exist. Check --profile or {PROFILE_ENV}."
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileInvalid(f"The provider profile {chosen} is not valid TOML: {exc}") from None
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileInvalid(f"The provider profile {chosen} has problems:\n{describe_validation_error(exc)}") from None
    except ValueError as exc:
        raise ProfileInvalid(f"The provider profile {chosen} has a problem: {exc}") from None
