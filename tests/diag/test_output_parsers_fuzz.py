"""Every parser of OS command output: garbage and mutated recorded outputs give a result or a clear
`OutputUnreadable`, never a crash (issue 10).

A customer's machine can print anything: a localized or truncated table, a PowerShell error instead of JSON, a
tool from another vendor on PATH. The checks catch `OutputUnreadable` and record its sentence as the reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diag.checks import adapters, routes, tcp
from diag.checks._system import decode_output
from diag.errors import OutputUnreadable
from diag.probe import packets, sockopts, system_ping
from tests.conftest import count_figure

CHECKS_DATA = Path(__file__).parent / "checks" / "data"
PING_DATA = Path(__file__).parent / "probe" / "data"

# Recorded outputs the checks' tests use, plus the Linux JSON that those tests keep inline.
LINUX_ROUTE_GET = (
    '[{"dst":"10.88.2.2","gateway":"10.88.1.1","dev":"vdlab-c","prefsrc":"10.88.1.2","flags":[],"uid":0,"cache":[]}]'
)
LINUX_ROUTE_DEFAULT = (
    '[{"dst":"default","gateway":"192.168.1.1","dev":"wlp2s0","protocol":"dhcp","prefsrc":"192.168.1.40",'
    '"metric":600,"flags":[]},{"dst":"default","gateway":"192.168.8.1","dev":"enp0s31f6","protocol":"dhcp",'
    '"metric":100,"flags":[]}]'
)


def _recorded(name: str) -> str:
    return decode_output((CHECKS_DATA / name).read_bytes(), fallback="cp932")


def _is_link_list(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(link, adapters.LinkFacts)
        and isinstance(link.name, str)
        and (link.mtu is None or isinstance(link.mtu, int))
        and (link.description is None or isinstance(link.description, str))
        and (link.mac is None or isinstance(link.mac, str))
        and (link.driver is None or isinstance(link.driver, str))
        for link in value
    )


def _is_route(value: object) -> bool:
    return (
        isinstance(value, routes.RouteEntry)
        and isinstance(value.destination, str)
        and all(v is None or isinstance(v, str) for v in (value.interface, value.gateway, value.source))
        and isinstance(value.metric, int)
    )


def _is_str_map(value: object) -> bool:
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


# name -> (parser, what a good result looks like, recorded samples)
PARSERS: dict[str, tuple[Callable[[str], Any], Callable[[Any], bool], list[str]]] = {
    "ip -j -d link": (
        adapters.parse_ip_link,
        _is_link_list,
        [_recorded("linux-ip-j-d-link-wireguard-go.json")],
    ),
    "uevent": (
        lambda text: adapters.parse_uevent("wlp2s0", text),
        lambda v: v is None or isinstance(v, adapters.LinkFacts),
        ["DEVTYPE=wlan\nINTERFACE=wlp2s0\nIFINDEX=3\n"],
    ),
    "Get-NetAdapter": (adapters.parse_get_netadapter, _is_link_list, [_recorded("windows-get-netadapter.json")]),
    "netsh subinterfaces": (
        adapters.parse_netsh_subinterfaces,
        _is_link_list,
        [_recorded("windows-netsh-subinterfaces-en.txt"), _recorded("windows-netsh-subinterfaces-ja.cp932.txt")],
    ),
    "networksetup": (
        adapters.parse_networksetup_ports,
        _is_link_list,
        [_recorded("macos-networksetup-listallhardwareports.txt")],
    ),
    "ifconfig": (adapters.parse_ifconfig, _is_link_list, [_recorded("macos-ifconfig.txt")]),
    "ip -j route get": (routes.parse_ip_route_get, lambda v: v is None or _is_route(v), [LINUX_ROUTE_GET]),
    "ip -j route default": (
        routes.parse_ip_route_default,
        lambda v: v is None or _is_route(v),
        [LINUX_ROUTE_DEFAULT],
    ),
    "route -n get": (
        routes.parse_route_get_macos,
        lambda v: v is None or _is_route(v),
        [_recorded("macos-route-get-default.txt"), _recorded("macos-route-get-server.txt")],
    ),
    "Get-NetRoute": (
        routes.parse_get_netroute,
        lambda v: isinstance(v, list) and all(_is_route(r) for r in v),
        [_recorded("windows-get-netroute.json")],
    ),
    "route print": (
        routes.parse_route_print,
        lambda v: isinstance(v, list) and all(_is_route(r) for r in v),
        [_recorded("windows-route-print-en.txt"), _recorded("windows-route-print-ja.cp932.txt")],
    ),
    "sysctl": (
        tcp.parse_sysctl,
        _is_str_map,
        [_recorded("linux-sysctl-tcp.txt"), _recorded("macos-sysctl-tcp.txt")],
    ),
    "netsh tcp global": (
        tcp.parse_netsh_tcp_global,
        _is_str_map,
        [_recorded("windows-netsh-tcp-global-en.txt"), _recorded("windows-netsh-tcp-global-ja.cp932.txt")],
    ),
    "Get-NetTCPSetting": (
        tcp.parse_get_nettcpsetting,
        lambda v: isinstance(v, dict) and all(_is_str_map(block) for block in v.values()),
        [_recorded("windows-get-nettcpsetting-internet.txt")],
    ),
    "reg query": (
        tcp.parse_reg_query,
        lambda v: isinstance(v, dict) and all(isinstance(n, int) for n in v.values()),
        [_recorded("windows-reg-query-tcpip-legacy.txt")],
    ),
}
for _os_name in ("linux", "macos", "windows"):
    PARSERS[f"ping ({_os_name})"] = (
        lambda text, os_name=_os_name: system_ping.parse_ping_output(os_name, text),
        lambda v: (
            isinstance(v, system_ping.PingOutput)
            and (v.reported_mtu is None or 68 <= v.reported_mtu <= 65535)
            and (v.rtt_ms is None or v.rtt_ms >= 0)
        ),
        [
            decode_output((PING_DATA / p.name).read_bytes(), fallback="cp932")
            for p in sorted(PING_DATA.glob(f"{_os_name}_*.txt"))
        ],
    )

NAMES = sorted(PARSERS)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


ODD_NUMBER_LIST = ["99999999999999999999", "9" * 5000, "-1", "0", "1e400", "0x", "0xZZ", "NaN", "1..2", ".", "", "٣"]
ODD_NUMBERS = st.sampled_from(ODD_NUMBER_LIST)


@st.composite
def mutated(draw: st.DrawFn, samples: list[str]) -> str:
    """A recorded output with a few edits: cut, repeated, overwritten or spliced with garbage."""
    text = draw(st.sampled_from(samples))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        start = draw(st.integers(min_value=0, max_value=len(text)))
        end = draw(st.integers(min_value=start, max_value=min(len(text), start + 40)))
        edit = draw(st.sampled_from(["cut", "truncate", "repeat", "insert", "digits", "number"]))
        numbers = [m.span() for m in re.finditer(r"\d+(?:\.\d+)?", text)]
        if edit == "number" and numbers:
            # the values are what the parsers convert: give one of them an odd shape
            start, end = draw(st.sampled_from(numbers))
        if edit == "cut":
            text = text[:start] + text[end:]
        elif edit == "truncate":
            text = text[:start]
        elif edit == "repeat":
            text = text[:end] + text[start:end] * 3 + text[end:]
        elif edit == "insert":
            text = text[:start] + draw(st.text(max_size=20)) + text[start:]
        else:
            text = text[:start] + draw(ODD_NUMBERS) + text[end:]
    return text


@st.composite
def json_field_swapped(draw: st.DrawFn, samples: list[str]) -> str:
    """A recorded JSON output with one field (of one entry) given any JSON value."""
    data = json.loads(draw(st.sampled_from(samples)).lstrip("\ufeff"))
    entries = data if isinstance(data, list) else [data]
    entry = draw(st.sampled_from(entries))
    field = draw(st.sampled_from(sorted(entry)))
    entry[field] = draw(json_values)
    return json.dumps(data)


def _check(name: str, text: str) -> None:
    parser, looks_right, _ = PARSERS[name]
    count_figure(f"inputs tried: parser {name}")
    try:
        result = parser(text)
    except OutputUnreadable as exc:
        reason = str(exc)
    else:
        assert looks_right(result), result
        return
    assert reason.endswith("."), "the reason is a sentence saying what was wrong"


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(data=st.data())
def test_garbage_gives_a_result_or_a_clear_error(name: str, data: st.DataObject) -> None:
    _check(name, data.draw(st.text(max_size=300) | json_values.map(json.dumps), label="output"))


@pytest.mark.parametrize("name", NAMES)
@FUZZ
@given(data=st.data())
def test_mutated_recorded_output_gives_a_result_or_a_clear_error(name: str, data: st.DataObject) -> None:
    _check(name, data.draw(mutated(PARSERS[name][2]), label="output"))


JSON_PARSERS = [n for n in NAMES if PARSERS[n][2][0].lstrip("\ufeff").startswith(("[", "{"))]


@pytest.mark.parametrize("name", JSON_PARSERS)
@FUZZ
@given(data=st.data())
def test_recorded_json_with_a_field_of_any_type(name: str, data: st.DataObject) -> None:
    _check(name, data.draw(json_field_swapped(PARSERS[name][2]), label="output"))


@pytest.mark.parametrize("name", JSON_PARSERS)
def test_deeply_nested_json_is_a_clear_error(name: str) -> None:
    _check(name, "[" * 100_000 + "]" * 100_000)
    _check(name, '[{"a":' * 50_000 + "1" + "}]" * 50_000)


@pytest.mark.parametrize("name", NAMES)
def test_every_number_of_a_recorded_output_in_every_odd_shape(name: str) -> None:
    """Exhaustive where random edits rarely land: each value the parser converts, written oddly."""
    for sample in PARSERS[name][2]:
        for match in re.finditer(r"\d+(?:\.\d+)?", sample):
            for odd in ODD_NUMBER_LIST:
                _check(name, sample[: match.start()] + odd + sample[match.end() :])


def test_recorded_outputs_still_parse() -> None:
    """The fuzzing baseline: every recorded sample is read without an error."""
    for name in NAMES:
        parser, looks_right, samples = PARSERS[name]
        for sample in samples:
            assert looks_right(parser(sample)), name


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=120), st.sampled_from([4, 6]))
def test_icmp_packets_from_the_network_never_crash(data: bytes, family: Any) -> None:
    """Raw sockets hand over whatever arrives: any bytes give a header, an error, or None."""
    count_figure("inputs tried: parser icmp packets", 3)
    echo = packets.parse_echo(data)
    assert echo is None or 0 <= echo.icmp_type <= 255
    error = packets.parse_icmp_error(family, data)
    assert error is None or error.mtu is None or error.mtu > 0
    assert isinstance(packets.strip_ipv4_header(data), bytes)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64), st.lists(st.tuples(st.integers(0, 300), st.integers(0, 300), st.binary(max_size=40))))
def test_error_queue_messages_never_crash(payload: bytes, ancillary: list[tuple[int, int, bytes]]) -> None:
    count_figure("inputs tried: parser error queue")
    queued = sockopts.parse_error_queue_message(payload, ancillary)
    assert queued is None or isinstance(queued, sockopts.QueuedError)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.sampled_from(["linux", "macos", "windows"]))
def test_ping_output_bytes_always_decode(data: bytes, os_name: Any) -> None:
    count_figure("inputs tried: parser output decoding", 2)
    assert isinstance(system_ping.decode_output(data, os_name), str)
    assert isinstance(decode_output(data, fallback="cp932"), str)
