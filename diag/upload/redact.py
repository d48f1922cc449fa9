"""Privacy redaction: what identifies the customer is replaced before a report leaves the machine.

Every string of the report is walked generically (field values, list items, dict keys and values), so a field added
to the model later is covered without a change here. Replaced: IPv4 and IPv6 addresses in every textual form
(compressed, IPv4-mapped, with zone ids, inside sentences), MAC addresses, host names, user names (and with them the
home folder in paths), Wi-Fi network names and adapter names (unless the provider profile keeps them).

Each value becomes a pseudonym computed with HMAC-SHA256 under a key drawn fresh for every report: inside one report
the same address always gets the same pseudonym (support can still see that the route's gateway is the adapter's
address), across reports nothing links. Pseudonyms keep what support needs: `ip4-private-1f0c9a2b` says family and
scope, never the address. The report records how many values of each kind were replaced, never the originals.
"""

from __future__ import annotations

import contextlib
import getpass
import hashlib
import hmac
import ipaddress
import re
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from diag.addresses import address_scope
from diag.profile import Collection
from reports.model import Report

# Kinds the customer or the provider profile may choose to keep (Collection in diag/profile.py).
KEEPABLE = frozenset({"hostnames", "wifi_names", "user_names", "adapter_names"})

# Keys of report.privacy.redaction_counts.
Kind = Literal["ipv4", "ipv6", "mac", "hostname", "user", "wifi", "adapter"]


# Hex digits of the HMAC kept in a pseudonym: 32 bits make a collision among the few dozen values of one report
# vanishingly unlikely, and _Pseudonyms checks for one anyway.
_PSEUDONYM_HEX = 8

# Account names that are not a person: replacing every "root" or "admin" in a text would mangle sentences and hide
# nothing (C:\Users\Public and C:\Users\Default are Windows' shared profiles).
_GENERIC_ACCOUNTS = frozenset(
    {"root", "admin", "administrator", "user", "users", "guest", "public", "default", "shared", "all users", "system"}
)

# A run of characters an IPv6 address can be written with, optionally with a zone id (RFC 4007 section 11:
# fe80::1%eth0, fe80::1%12 on Windows). A run may follow a word ("src:fe80::1", "eth0:fe80::1"): see _ipv6_match.
_IPV6_RUN = re.compile(r"(?<![0-9A-Fa-f:.])[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[\w-]+)?")
# Dotted quads, also with leading zeros ("192.168.001.010", as some Windows tools print them).
_IPV4 = re.compile(r"(?<!\d)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?!\d)")
# MAC addresses (IEEE 802 EUI-48): 00:11:22:33:44:55, 00-11-22-33-44-55 (Windows), 0:1c:42:0:0:8 (macOS arp),
# 0011.2233.4455 (Cisco).
_MAC = re.compile(
    r"(?<![0-9A-Fa-f])(?:"
    r"[0-9A-Fa-f]{1,2}(?::[0-9A-Fa-f]{1,2}){5}"
    r"|[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}"
    r")(?![0-9A-Fa-f])"
)
# The user's part of a home folder: /home/NAME, /Users/NAME (macOS), C:\Users\NAME (also with / or \\ separators).
_HOME = re.compile(r"(?:/home/|/Users/|[A-Za-z]:(?:\\\\|\\|/)Users(?:\\\\|\\|/))([^/\\\s\"'`:;,|<>]+)")
# "SSID: name" as netsh, nmcli, airport and iw print it; the name runs to the end of the line or a closing quote.
_SSID = re.compile(r"(?<![A-Za-z])E?SSID\s*(?:名\s*)?[:=]\s*(?:\"([^\"\n]+)\"|'([^'\n]+)'|([^\n,;]+))")
# Host names that are found in free text without a field saying so: Windows' generated names and mDNS names.
_HOSTNAME_IN_TEXT = re.compile(
    r"(?<![\w.-])(?:(?:DESKTOP|LAPTOP|WIN)-[A-Z0-9]{6,}|[A-Za-z0-9][A-Za-z0-9-]*\.local)(?![\w-])"
)
_PSEUDONYM = re.compile(r"^(?:host|user|wifi|adapter|mac|ip[46]-[a-z-]+)-[0-9a-f]{8,}$")
_DNS_NAME = re.compile(
    r"^(?=.{1,253}\.?$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)


@dataclass
class _Pseudonyms:
    """The per-report key, the pseudonyms handed out so far and the counts per kind."""

    key: bytes
    keep_public_ip: bool
    hostnames: set[str] = field(default_factory=set)
    users: set[str] = field(default_factory=set)
    wifi: set[str] = field(default_factory=set)
    adapters: set[str] = field(default_factory=set)
    seen: dict[Kind, set[str]] = field(default_factory=dict)
    issued: dict[str, str] = field(default_factory=dict)
    public_ip_kept: bool = False
    _known: re.Pattern[str] | None = None
    _known_kinds: dict[str, tuple[Kind, str]] = field(default_factory=dict)

    def name(self, kind: Kind, canonical: str, prefix: str) -> str:
        self.seen.setdefault(kind, set()).add(canonical)
        digest = hmac.new(self.key, f"{kind}\0{canonical}".encode(), hashlib.sha256).hexdigest()
        length = _PSEUDONYM_HEX
        while True:
            pseudonym = f"{prefix}-{digest[:length]}"
            owner = self.issued.setdefault(pseudonym, f"{kind}\0{canonical}")
            if owner == f"{kind}\0{canonical}":
                return pseudonym
            length += 2  # two values collided: lengthen so equality of pseudonyms still means equality

    def address(self, text: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
        scope = address_scope(address)
        if self.keep_public_ip and scope == "public":
            self.public_ip_kept = True
            return text
        kind: Kind = "ipv4" if address.version == 4 else "ipv6"
        return self.name(kind, address.compressed, f"ip{address.version}-{scope}")

    def compile_known(self) -> None:
        """One pattern for every known name (longest first, so "tokyo1.vpn.example" wins over "tokyo1")."""
        kinds: dict[str, tuple[Kind, str]] = {}
        # A report redacted before keeps its pseudonyms: "host-1f0c9a2b" is no host name to hide again.
        self.wifi, self.hostnames, self.users, self.adapters = (
            {v for v in names if not _PSEUDONYM.match(v)}
            for names in (self.wifi, self.hostnames, self.users, self.adapters)
        )
        for value in self.wifi:
            kinds[value.lower()] = ("wifi", "wifi")
        for value in self.hostnames:
            kinds[value.lower()] = ("hostname", "host")
        for value in self.users:
            kinds.setdefault(value.lower(), ("user", "user"))
        for value in self.adapters:
            kinds.setdefault(value.lower(), ("adapter", "adapter"))
        self._known_kinds = kinds
        if kinds:
            alternatives = "|".join(re.escape(v) for v in sorted(kinds, key=len, reverse=True))
            self._known = re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-]|\.\w)", re.IGNORECASE)

    def text(self, value: str) -> str:
        if self._known is not None:
            value = self._known.sub(self._known_match, value)
        value = _IPV6_RUN.sub(self._ipv6_match, value)
        value = _IPV4.sub(self._ipv4_match, value)
        return _MAC.sub(self._mac_match, value)

    def _known_match(self, match: re.Match[str]) -> str:
        canonical = match.group(0).lower()
        kind, prefix = self._known_kinds[canonical]
        return self.name(kind, canonical.rstrip("."), prefix)

    def _ipv6_match(self, match: re.Match[str]) -> str:
        # A run glued to a word ("eth0:fe80::1") most likely starts with the word's tail: prefer an address that
        # begins after it, so "fe80::1" keeps its link-local scope; the whole run only when nothing else parses.
        glued = match.start() > 0 and match.string[match.start() - 1].isalnum()
        return self._ipv6_in_run(match.group(0), glued)

    def _ipv6_in_run(self, run: str, glued: bool = False) -> str:
        """Replace the longest address inside a run of address characters; the rest stays text and is searched
        again. "fe80::1." ends a sentence, "2001:db8::1.a" glues a word on: the address is still found."""
        found = (_longest_ipv6(run, from_start=False) if glued else None) or _longest_ipv6(run)
        if found is None:
            return run
        start, end, address = found
        return self._ipv6_in_run(run[:start]) + self.address(run[start:end], address) + self._ipv6_in_run(run[end:])

    def _ipv4_match(self, match: re.Match[str]) -> str:
        octets = [int(part) for part in match.groups()]
        if any(octet > 255 for octet in octets):
            return match.group(0)  # a version number such as 10.0.22631.4460, not an address
        return self.address(match.group(0), ipaddress.IPv4Address(".".join(map(str, octets))))

    def _mac_match(self, match: re.Match[str]) -> str:
        digits = re.sub(r"[^0-9A-Fa-f]", "", match.group(0)) if "." in match.group(0) else None
        if digits is not None:
            octets = [digits[i : i + 2] for i in range(0, 12, 2)]
        else:
            octets = [part.zfill(2) for part in re.split(r"[:-]", match.group(0))]
        return self.name("mac", ":".join(octets).lower(), "mac")


# The longest textual IPv6 address: eight groups of four digits and seven colons, or 45 characters with a dotted
# IPv4 tail (RFC 4291 section 2.2). Bounding the candidates by it keeps the search linear in long hex runs.
_MAX_IPV6_TEXT = 45


def _longest_ipv6(run: str, *, from_start: bool = True) -> tuple[int, int, ipaddress.IPv6Address] | None:
    """The longest valid IPv6 address in `run` that starts and ends at its edges or at a "." / ":"."""
    address, _, zone = run.partition("%")
    starts = [0] * from_start + [i + 1 for i, c in enumerate(address) if c in ".:"]
    ends = [i for i, c in enumerate(address) if c in ".:"] + [len(address)]
    best: tuple[int, int, ipaddress.IPv6Address] | None = None
    for start in starts:
        for end in reversed(ends):
            length = end - start
            if length > _MAX_IPV6_TEXT:
                continue
            if length < 2 or (best is not None and length <= best[1] - best[0]):
                break  # ends are tried longest first: nothing shorter can beat what was found
            text = address[start:end] + (f"%{zone}" if zone and end == len(address) else "")
            parsed = _parse_ipv6(text)
            if parsed is not None:
                best = (start, len(text) + start, parsed)
                break
    return best


def _parse_ipv6(text: str) -> ipaddress.IPv6Address | None:
    if text.count(":") < 2:
        return None
    try:
        address = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    if address.is_unspecified and address.scope_id is None:
        return None  # "::" alone names no host (and appears in C++ or Ruby text)
    return ipaddress.IPv6Address(address.compressed.split("%")[0]) if address.scope_id else address


def _is_literal(annotation: Any) -> bool:
    """True for Literal[...] fields (and Optional ones): their values are the tool's words, never the customer's."""
    origin = get_origin(annotation)
    if origin is Literal:
        return True
    if origin is Union or type(annotation).__name__ == "UnionType":
        args = [a for a in get_args(annotation) if a is not type(None)]
        return bool(args) and all(_is_literal(a) for a in args)
    return False


def _walk(value: Any, redact_text: Any, literal: bool = False) -> Any:
    """A plain copy of a model tree with every customer-supplied string passed through `redact_text`."""
    if isinstance(value, BaseModel):
        return {
            name: _walk(getattr(value, name), redact_text, _is_literal(info.annotation))
            for name, info in type(value).model_fields.items()
        }
    if isinstance(value, list | tuple):
        return [_walk(item, redact_text, literal) for item in value]
    if isinstance(value, dict):
        return {_walk(k, redact_text): _walk(v, redact_text) for k, v in value.items()}
    if isinstance(value, Enum) or literal:
        return value
    if isinstance(value, str):
        return redact_text(value)
    return value


def _gather_names(report: Report, pseudonyms: _Pseudonyms, keep: frozenset[str]) -> None:
    """Names that must be replaced wherever they appear, found before any text is rewritten (so the order of fields
    never decides whether a host name in a sentence is caught)."""
    texts: list[str] = []

    def collect(text: str) -> str:
        texts.append(text)
        return text

    _walk(report, collect)
    if "hostnames" not in keep:
        names = [report.system.hostname, *(p.target for p in report.paths), report.vpn.server if report.vpn else None]
        for name in names:
            if name and _DNS_NAME.match(name) and not _is_address(name):
                pseudonyms.hostnames.add(name.rstrip("."))
                if report.system.hostname and name == report.system.hostname and "." in name:
                    pseudonyms.hostnames.add(name.split(".")[0])  # the short name appears in prompts and paths
        for text in texts:
            pseudonyms.hostnames.update(m.group(0) for m in _HOSTNAME_IN_TEXT.finditer(text))
    if "adapter_names" not in keep:
        # Windows lets people name adapters ("Taro's Wi-Fi"); the same name reappears in routes and fix commands.
        routes = report.routes
        adapter_names: list[str | None] = [a.name for a in report.adapters]
        adapter_names += [
            report.vpn.adapter if report.vpn else None,
            routes.default_interface if routes else None,
            routes.vpn_server.interface if routes and routes.vpn_server else None,
        ]
        pseudonyms.adapters.update(n for n in adapter_names if n and len(n) >= 2)
    if "user_names" not in keep:
        for text in texts:
            pseudonyms.users.update(m.group(1) for m in _HOME.finditer(text))
    if "wifi_names" not in keep:
        for text in texts:
            for m in _SSID.finditer(text):
                ssid = next(g for g in m.groups() if g is not None).strip()
                if ssid:
                    pseudonyms.wifi.add(ssid)
    pseudonyms.users = {u for u in pseudonyms.users if u.lower() not in _GENERIC_ACCOUNTS}


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return False
    return True


def _local_names(keep: frozenset[str]) -> tuple[set[str], set[str]]:
    """This machine's host name and user name: they turn up in paths and messages the checks copied verbatim."""
    hosts: set[str] = set()
    users: set[str] = set()
    if "hostnames" not in keep:
        host = socket.gethostname()
        if host and host.lower() not in {"localhost", "localhost.localdomain"}:
            hosts.update({host, host.split(".")[0]})
    if "user_names" not in keep:
        # No user name known to the OS (a container without a passwd entry): nothing to hide.
        with contextlib.suppress(KeyError, OSError):
            users.add(getpass.getuser())
    return hosts, users


def _fit_lengths(data: dict[str, Any], error: ValidationError) -> bool:
    """Pseudonyms can be longer than what they replace; cut strings that now exceed their field's limit."""
    fixed = False
    for item in error.errors():
        if item["type"] != "string_too_long":
            continue
        container: Any = data
        *parents, last = item["loc"]
        for part in parents:
            container = container[part]
        limit = int((item.get("ctx") or {})["max_length"])
        container[last] = container[last][:limit]
        fixed = True
    return fixed


def redact(
    report: Report,
    *,
    keep_public_ip: bool = False,
    keep: frozenset[str] = frozenset(),
    hostnames: Iterable[str] = (),
    user_names: Iterable[str] = (),
    wifi_names: Iterable[str] = (),
    key: bytes | None = None,
    include_local_names: bool = True,
) -> Report:
    """A copy of `report` with addresses, MACs and names replaced by per-report pseudonyms.

    keep: kinds of KEEPABLE the provider allows to stay. keep_public_ip: the customer agreed to send their public
    address. hostnames / user_names / wifi_names: further values the caller knows to be private. key: the HMAC key
    (tests fix it; by default a fresh random one, so pseudonyms link nothing across reports).
    """
    unknown = keep - KEEPABLE
    if unknown:
        raise ValueError(f"unknown kinds to keep: {sorted(unknown)}")
    pseudonyms = _Pseudonyms(key=key if key is not None else secrets.token_bytes(32), keep_public_ip=keep_public_ip)
    _gather_names(report, pseudonyms, keep)
    if include_local_names:
        local_hosts, local_users = _local_names(keep)
        pseudonyms.hostnames |= local_hosts
        pseudonyms.users |= {u for u in local_users if u.lower() not in _GENERIC_ACCOUNTS}
    if "hostnames" not in keep:
        pseudonyms.hostnames.update(hostnames)
    if "user_names" not in keep:
        pseudonyms.users.update(user_names)
    if "wifi_names" not in keep:
        pseudonyms.wifi.update(wifi_names)
    pseudonyms.compile_known()

    data: dict[str, Any] = _walk(report, pseudonyms.text)
    counts = dict(report.privacy.redaction_counts)
    for kind, values in pseudonyms.seen.items():
        counts[kind] = counts.get(kind, 0) + len(values)
    data["privacy"].update(
        # The customer typed these for support to answer them: they are meant to be sent as they are.
        contact_email=report.privacy.contact_email,
        ticket=report.privacy.ticket,
        redacted=True,
        redaction_counts=counts,
        public_ip_included=report.privacy.public_ip_included or pseudonyms.public_ip_kept,
    )
    for _ in range(3):
        try:
            return Report.model_validate(data)
        except ValidationError as exc:
            if not _fit_lengths(data, exc):
                raise
    return Report.model_validate(data)


def keep_from_collection(collection: Collection, *, customer_allows_public_ip: bool) -> tuple[frozenset[str], bool]:
    """What the provider profile lets the report keep, and whether the public IP stays (profile and customer)."""
    keep = set()
    if collection.hostnames:
        keep.add("hostnames")
    if collection.wifi_names:
        keep.add("wifi_names")
    if collection.adapter_names:
        keep.add("adapter_names")
    public_ip = collection.public_ip == "always" or (collection.public_ip == "ask" and customer_allows_public_ip)
    return frozenset(keep), public_ip
