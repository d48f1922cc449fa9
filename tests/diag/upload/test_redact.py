from __future__ import annotations

import ipaddress
import json
import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diag.addresses import address_scope
from diag.profile import Collection
from diag.upload.redact import keep_from_collection, redact
from reports.model import Adapter, AdapterKind, Finding, IpAddress, Report, Severity, System, Tcp, Tool
from tests.diag.upload.conftest import example_report

KEY = b"fixed key for tests"


def _report(**fields: Any) -> Report:
    base: dict[str, Any] = {
        "tool": Tool(version="0.1.0"),
        "system": System(os="linux", os_version="Debian 12", arch="x86_64", privileged=True),
    }
    return Report(**(base | fields))


def _strings(value: Any) -> list[str]:
    """Every string in the report's JSON, keys included."""
    found: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, dict):
            for k, item in v.items():
                found.append(k)
                walk(item)
        elif isinstance(v, list):
            for item in v:
                walk(item)
        elif isinstance(v, str):
            found.append(v)

    walk(json.loads(value.model_dump_json()) if isinstance(value, Report) else value)
    return found


def _forms(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> set[str]:
    forms = {str(address), address.exploded}
    if address.version == 6:
        forms |= {str(address).upper(), address.exploded.upper()}
    else:
        forms.add(".".join(f"{octet:03d}" for octet in address.packed))  # zero-padded, as some Windows tools print
    return forms


# Characters that end an address in running text; hypothesis picks among them.
SEPARATORS = st.sampled_from([" ", ", ", "; ", ") ", "] ", "\n", "\t", "'", '"', " / ", "=", ">", "."])
# ... and characters that come before one ("src:fe80::1", "addr=10.0.0.1").
BEFORE = st.sampled_from([" ", ":", "=", "(", "[", "@", "/"])
WORDS = st.text(alphabet=st.sampled_from("abcdefghijklmnopqrstuvwxyz渋谷 -"), max_size=12)


@st.composite
def address_in_text(draw: st.DrawFn) -> tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address]:
    address = draw(st.ip_addresses().filter(lambda a: not a.is_unspecified))
    written = draw(st.sampled_from(sorted(_forms(address))))
    if address.version == 6:
        style = draw(st.sampled_from(["plain", "zone", "brackets"]))
        if style == "zone":
            written += draw(st.sampled_from(["%eth0", "%12", "%en0"]))
        elif style == "brackets":
            written = f"[{written}]:51820"
    elif draw(st.booleans()):
        mapped = ipaddress.IPv6Address(f"::ffff:{address}")
        return (draw(WORDS) + " ::ffff:" + str(address) + draw(SEPARATORS) + draw(WORDS), mapped)
    elif draw(st.booleans()):
        written += ":443"
    return draw(WORDS) + draw(BEFORE) + written + draw(SEPARATORS) + draw(WORDS), address


@st.composite
def mac_in_text(draw: st.DrawFn) -> tuple[str, str]:
    octets = draw(st.binary(min_size=6, max_size=6))
    canonical = ":".join(f"{b:02x}" for b in octets)
    style = draw(st.sampled_from(["colon", "dash", "cisco", "upper"]))
    if style == "colon":
        written = canonical
    elif style == "dash":
        written = canonical.replace(":", "-").upper()
    elif style == "upper":
        written = canonical.upper()
    else:
        h = octets.hex()
        written = f"{h[0:4]}.{h[4:8]}.{h[8:12]}"
    return draw(WORDS) + " " + written + draw(SEPARATORS) + draw(WORDS), canonical


def _place(texts: list[str]) -> Report:
    """Put the texts into many kinds of string fields: names, free text, dict keys and values, lists."""
    slots = texts + [""] * 6
    return _report(
        system=System(os="linux", privileged=False, os_version="Debian 12", hostname=None, locale=slots[0][:200]),
        adapters=[
            Adapter(
                name="nic0",
                mtu=1500,
                is_up=True,
                is_vpn=False,
                kind=AdapterKind.ethernet,
                description=slots[2][:200],
                addresses=[IpAddress(address=slots[3][:200] or "x", family=4)],
            )
        ],
        findings=[
            Finding(
                id="x",
                severity=Severity.info,
                title=slots[4],
                detail=" | ".join(texts),
                evidence={(slots[5][:200] or "k"): slots[0][:200]},
            )
        ],
        tcp=Tcp(settings={t[:200]: t[:200] for t in texts[:8]}, reason=slots[1]),
    )


def _mac_forms(canonical: str) -> set[str]:
    octets = canonical.split(":")
    h = "".join(octets)
    return {canonical, canonical.upper(), "-".join(octets), "-".join(octets).upper(), f"{h[0:4]}.{h[4:8]}.{h[8:12]}"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(address_in_text(), min_size=1, max_size=8), st.lists(mac_in_text(), max_size=4))
def test_no_address_or_mac_survives_in_any_string(
    addresses: list[tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address]], macs: list[tuple[str, str]]
) -> None:
    report = _place([text for text, _ in addresses] + [text for text, _ in macs])
    redacted = redact(report, key=KEY, include_local_names=False)
    strings = _strings(redacted)
    for _, address in addresses:
        plain = address.ipv4_mapped if address.version == 6 and address.ipv4_mapped else address
        for form in _forms(address) | _forms(plain):
            # Every form holds a "." or ":", which no pseudonym has, so plain containment is exact.
            assert not any(form.lower() in s.lower() for s in strings), (form, strings)
    for _, canonical in macs:
        for form in _mac_forms(canonical):
            assert not any(form.lower() in s.lower() for s in strings), (form, strings)
    assert redacted.privacy.redacted


@settings(max_examples=60, deadline=None)
@given(st.lists(st.ip_addresses().filter(lambda a: not a.is_unspecified), min_size=1, max_size=6))
def test_pseudonyms_keep_family_scope_and_equality(addresses: list[Any]) -> None:
    texts = [f"to {a} and back to {a}" for a in addresses]
    redacted = redact(_place(texts), key=KEY, include_local_names=False)
    detail = redacted.findings[0].detail
    pieces = detail.split(" | ")
    by_address: dict[str, str] = {}
    for address, piece in zip(addresses, pieces, strict=True):
        first, second = re.findall(r"ip[46]-[a-z-]+-[0-9a-f]+", piece)
        assert first == second  # the same address twice in one text: the same pseudonym
        assert first.startswith(f"ip{address.version}-{address_scope(address)}-")
        by_address.setdefault(str(address), first)
        assert by_address[str(address)] == first  # and the same in every other field of the report
    assert len(set(by_address.values())) == len(by_address)  # different addresses stay different


def test_pseudonyms_do_not_link_reports() -> None:
    report = _place(["gateway 192.168.1.1"])
    one = redact(report, include_local_names=False).findings[0].detail
    two = redact(report, include_local_names=False).findings[0].detail
    assert one.startswith("gateway ip4-private-")
    assert one != two  # a fresh key for every report


def test_ip_address_objects_keep_family_and_scope() -> None:
    report = _report(
        adapters=[
            Adapter(
                name="wlan0",
                mtu=1500,
                is_up=True,
                is_vpn=False,
                kind=AdapterKind.wifi,
                mac="a4:5e:60:d2:11:0f",
                addresses=[
                    IpAddress(address="192.168.10.23", family=4, prefixlen=24, scope="private"),
                    IpAddress(address="fe80::1c2b:3dff:fe4e:5f60%wlan0", family=6, prefixlen=64, scope="link-local"),
                    IpAddress(address="2400:4050:a2c0:100::23", family=6, prefixlen=64, scope="public"),
                ],
            )
        ]
    )
    out = redact(report, key=KEY, include_local_names=False)
    adapter = out.adapters[0]
    assert [a.address.split("-")[0] for a in adapter.addresses] == ["ip4", "ip6", "ip6"]
    assert [a.scope for a in adapter.addresses] == ["private", "link-local", "public"]
    assert adapter.addresses[1].address.startswith("ip6-link-local-")
    assert adapter.addresses[2].address.startswith("ip6-public-")
    assert adapter.mac is not None
    assert adapter.mac.startswith("mac-")
    assert out.privacy.redaction_counts == {"ipv4": 1, "ipv6": 2, "mac": 1, "adapter": 1}
    assert adapter.name.startswith("adapter-")
    assert "192.168.10.23" not in out.model_dump_json()


def test_public_ip_kept_only_when_allowed() -> None:
    report = _place(["public 52.10.20.30 private 10.1.2.3 v6 2a03:2880:f12f:83:face:b00c::25de"])
    kept = redact(report, key=KEY, keep_public_ip=True, include_local_names=False)
    detail = kept.findings[0].detail
    assert "52.10.20.30" in detail
    assert "2a03:2880:f12f:83:face:b00c::25de" in detail
    assert "10.1.2.3" not in detail
    assert kept.privacy.public_ip_included
    removed = redact(report, key=KEY, include_local_names=False)
    assert "52.10.20.30" not in removed.findings[0].detail
    assert "ip4-public-" in removed.findings[0].detail
    assert not removed.privacy.public_ip_included


def test_counts_only_never_originals() -> None:
    out = redact(example_report(), key=KEY, include_local_names=False)
    privacy = out.privacy.model_dump_json()
    assert "203.0.113.10" not in out.model_dump_json()
    assert "203.0.113.10" not in privacy
    # The example was already redacted once (ipv4 2, hostname 1); this pass adds the one address left in it.
    assert out.privacy.redaction_counts["ipv4"] == 3


def test_host_names_user_names_home_paths_and_wifi() -> None:
    report = _report(
        system=System(os="windows", privileged=False, hostname="taro-pc.home.arpa"),
        findings=[
            Finding(
                id="x",
                severity=Severity.info,
                title="Log in C:\\Users\\Taro\\AppData\\Local\\vpn\\log.txt and /home/alice/.config/wg",
                detail="taro-pc and TARO-PC.home.arpa said hello; Taro's laptop; alice too; also DESKTOP-8F3K2QJ "
                "and Hanako-MacBook.local. SSID: Cafe Guest 5G\nLater Cafe Guest 5G dropped.",
                evidence={"ssid": 'ESSID:"Home-Net"', "seen": "Home-Net"},
            )
        ],
    )
    out = redact(report, key=KEY, include_local_names=False)
    text = out.model_dump_json()
    for secret in (
        "Taro",
        "taro",
        "alice",
        "taro-pc",
        "TARO-PC",
        "DESKTOP-8F3K2QJ",
        "Hanako",
        "Cafe Guest",
        "Home-Net",
    ):
        assert secret not in text, secret
    assert out.system.hostname is not None
    assert out.system.hostname.startswith("host-")
    detail = out.findings[0].detail
    host = out.system.hostname
    assert detail.startswith(f"{host.split('-')[0]}-")
    # The short name and the full name are different strings; each is recognisable across fields.
    assert out.findings[0].title.startswith("Log in C:\\Users\\user-")
    assert "/home/user-" in out.findings[0].title
    assert re.search(r"wifi-[0-9a-f]+\nLater wifi-[0-9a-f]+ dropped", detail)
    first, second = re.findall(r"wifi-[0-9a-f]+", detail)
    assert first == second
    assert set(out.privacy.redaction_counts) >= {"hostname", "user", "wifi"}


def test_provider_may_allow_host_and_wifi_names() -> None:
    report = _report(
        system=System(os="linux", privileged=False, hostname="kiosk-7"),
        findings=[Finding(id="x", severity=Severity.info, title="t", detail="SSID: Lobby", evidence={"a": 1})],
    )
    keep, public = keep_from_collection(Collection(hostnames=True, wifi_names=True), customer_allows_public_ip=False)
    out = redact(report, keep=keep, keep_public_ip=public, include_local_names=False)
    assert out.system.hostname == "kiosk-7"
    assert out.findings[0].detail == "SSID: Lobby"
    assert keep_from_collection(Collection(public_ip="ask"), customer_allows_public_ip=True)[1]
    assert not keep_from_collection(Collection(public_ip="never"), customer_allows_public_ip=True)[1]
    assert keep_from_collection(Collection(public_ip="always"), customer_allows_public_ip=False)[1]


def test_tool_words_and_versions_are_left_alone() -> None:
    report = example_report()
    out = redact(report, key=KEY, keep=frozenset({"adapter_names"}), include_local_names=False)
    assert out.system.os_version == "10.0.22631"
    assert out.tool.version == "0.1.0"
    assert out.adapters[0].kind == AdapterKind.wifi
    assert out.paths[0].pmtu == 1400
    assert out.fixes == report.fixes  # the netsh command names the adapter, which the profile lets stay
    assert out.report_id == report.report_id
    assert out.created_at == report.created_at


def test_wifi_name_equal_to_a_tool_word_does_not_break_the_report() -> None:
    report = _report(
        adapters=[Adapter(name="wlan0", mtu=1500, is_up=True, is_vpn=False, kind=AdapterKind.wifi)],
        findings=[Finding(id="x", severity=Severity.info, title="t", detail="SSID: wifi", evidence={"a": 1})],
    )
    out = redact(report, key=KEY, include_local_names=False)
    assert out.adapters[0].kind == AdapterKind.wifi  # a Literal/enum value is the tool's word, never replaced
    assert "SSID: wifi-" in out.findings[0].detail


def test_pseudonyms_longer_than_the_field_allows_are_cut() -> None:
    name = " ".join(f"10.0.0.{i}" for i in range(1, 26))  # 250 characters; the pseudonyms make it ~500
    report = _report(adapters=[Adapter(name=name, mtu=1500, is_up=True, is_vpn=False, kind=AdapterKind.ethernet)])
    out = redact(report, key=KEY, keep=frozenset({"adapter_names"}), include_local_names=False)
    assert len(out.adapters[0].name) == 256
    assert "10.0.0." not in out.adapters[0].name


def test_local_machine_names_are_redacted(monkeypatch: Any) -> None:
    import getpass
    import socket

    monkeypatch.setattr(socket, "gethostname", lambda: "yamada-desk.corp.example")
    monkeypatch.setattr(getpass, "getuser", lambda: "yamada")
    report = _place(["saved by yamada on yamada-desk in /tmp"])
    out = redact(report, key=KEY)
    assert "yamada" not in out.model_dump_json()
    root = _place(["root ran it"])
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    assert redact(root, key=KEY).findings[0].detail == "root ran it"  # a generic account name is not a person


def test_redacting_twice_changes_nothing_more() -> None:
    once = redact(_place(["gw 192.168.1.1 mac 00:11:22:33:44:55"]), key=KEY, include_local_names=False)
    twice = redact(once, key=b"another", include_local_names=False)
    assert twice.findings[0].detail == once.findings[0].detail
    assert twice.privacy.redaction_counts == once.privacy.redaction_counts


def test_contact_details_the_customer_typed_are_kept() -> None:
    report = _place(["user taro on 10.0.0.2"])
    report = report.model_copy(
        update={
            "privacy": report.privacy.model_copy(
                update={"contact_email": "taro@example.jp", "ticket": "A-1", "message": "from /home/taro at 10.0.0.2"}
            )
        }
    )
    out = redact(report, key=KEY, include_local_names=False)
    assert out.privacy.contact_email == "taro@example.jp"
    assert out.privacy.ticket == "A-1"
    assert out.privacy.message is not None
    assert out.privacy.message.startswith("from /home/user-")
    assert "10.0.0.2" not in out.privacy.message


def test_address_inside_a_long_run_of_hex_and_colons_is_found() -> None:
    dump = "00:" * 60 + "fe80::1ff:fe23:4567:890a%eth0"
    out = redact(_place([f"dump {dump} end"]), key=KEY, include_local_names=False)
    detail = out.findings[0].detail
    assert "fe80::1ff:fe23:4567:890a" not in detail
    # Glued to the dump, the longest address ends with ours ("0:fe80::1ff:..."): it is replaced as one.
    assert re.search(r"ip6-[a-z-]+-[0-9a-f]{8} end$", detail)


def test_address_glued_to_a_word_keeps_its_scope() -> None:
    out = redact(
        _place(["src:fe80::1 dev eth0:fe80::2%eth0 addr:10.0.0.1 ll=fe80::3"]), key=KEY, include_local_names=False
    )
    detail = out.findings[0].detail
    assert re.fullmatch(
        r"src:ip6-link-local-\w+ dev eth0:ip6-link-local-\w+ addr:ip4-private-\w+ ll=ip6-link-local-\w+", detail
    ), detail


def test_adapter_names_are_pseudonyms_everywhere_unless_the_profile_keeps_them() -> None:
    report = example_report()
    out = redact(report, key=KEY, include_local_names=False)
    tunnel = out.adapters[1].name
    assert tunnel.startswith("adapter-")
    assert out.vpn is not None
    assert out.vpn.adapter == tunnel  # the same adapter, recognisably, in the VPN block
    commands = [step.command for step in out.fixes[0].steps if step.command and "netsh" in step.command]
    assert commands
    assert f'subinterface "{tunnel}" mtu=1340' in commands[0]
    assert "WireGuard Tunnel" not in out.model_dump_json()
    keep, _ = keep_from_collection(Collection(), customer_allows_public_ip=False)  # the shipped default keeps them
    assert redact(report, keep=keep, include_local_names=False).adapters[1].name == "WireGuard Tunnel"
