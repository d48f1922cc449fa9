from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diag.checks.overhead import PROTOCOLS, OverheadError, OverheadResult, plan, recommend, tunnel_overhead
from tests.conftest import run_vpndiag


def test_wireguard_over_ipv4_1400_path_gives_tunnel_mtu_1340() -> None:
    vpn = recommend("wireguard", 1400, 4)
    assert vpn.overhead_bytes == 60
    assert vpn.recommended_mtu == 1340
    assert vpn.recommended_mss == 1300
    assert vpn.recommended_mss_v6 == 1280
    assert vpn.why is not None
    assert "1340" in vpn.why


def test_wireguard_padding_limits_inner_packets_when_tunnel_mtu_too_big() -> None:
    # FACTS.md (measured in the lab): tunnel MTU 1420 over a 1400 path passes inner packets up to 1328 only.
    rec = plan("wg", 1400, 4, tunnel_mtu=1420)
    assert rec.largest_inner_now == 1328
    assert rec.why_key == "why_padded_too_big"
    vpn = recommend("wg", 1400, 4, tunnel_mtu=1420, lang="ja")
    assert vpn.why is not None
    assert "1328" in vpn.why
    assert "16" in vpn.why


def test_wireguard_ipv6_outer_is_80() -> None:
    assert tunnel_overhead("wireguard", outer_family=6).fixed_bytes == 80
    assert recommend("wireguard", 1500, 6).recommended_mtu == 1420  # wg-quick's default on Ethernet


@pytest.mark.parametrize(
    ("protocol", "kwargs", "family", "fixed", "worst"),
    [
        ("openvpn-udp", {}, 4, 52, 52),  # FACTS.md: OpenVPN UDP AEAD 52 / 72
        ("openvpn-udp", {}, 6, 72, 72),
        ("openvpn-udp", {"cipher": "aead-epoch"}, 4, 56, 56),
        ("openvpn-udp", {"cipher": "aes-256-cbc"}, 4, 70, 85),  # "up to 85"
        ("ipsec", {"cipher": "aes-gcm"}, 4, 54, 57),  # 54..57
        ("ipsec", {"cipher": "aes-gcm"}, 6, 74, 77),
        ("ipsec", {"cipher": "aes-cbc-sha1"}, 4, 58, 73),  # 58..73
        ("ipsec", {"cipher": "aes-cbc-sha1", "nat_t": True}, 4, 66, 81),
        ("ikev2", {"transport": "udp"}, 4, 62, 65),  # ESP in UDP = NAT-T
        ("openvpn-tcp", {}, 4, 78, 78),  # IP 20 + TCP 32 + length 2 + 24
    ],
)
def test_overheads_match_reference_table(
    protocol: str, kwargs: dict[str, object], family: int, fixed: int, worst: int
) -> None:
    result = tunnel_overhead(protocol, outer_family=family, **kwargs)  # type: ignore[arg-type]
    assert (result.fixed_bytes, result.max_bytes) == (fixed, worst)
    assert all(part.source for part in result.parts)


def test_esp_recommendation_is_exact_with_block_padding() -> None:
    result = tunnel_overhead("ipsec", cipher="aes-cbc-sha1")
    mtu = result.recommended_mtu(1500)
    # 20 + 8 + 16 + ceil16(mtu + 2) + 12 must fit 1500, one more byte must not
    assert 44 + -(-(mtu + 2) // 16) * 16 + 12 <= 1500
    assert 44 + -(-(mtu + 3) // 16) * 16 + 12 > 1500


@given(protocol=st.sampled_from(PROTOCOLS), path_mtu=st.integers(576, 9000), family=st.sampled_from([4, 6]))
def test_recommended_mtu_is_largest_that_fits(protocol: str, path_mtu: int, family: int) -> None:
    result = tunnel_overhead(protocol, outer_family=family)  # type: ignore[arg-type]
    mtu = result.recommended_mtu(path_mtu)
    assert path_mtu - result.max_bytes <= mtu <= path_mtu - result.fixed_bytes
    if not result.pad_capped_at_tunnel_mtu:
        assert result.max_inner(path_mtu + 0) == mtu
        assert result.max_inner(path_mtu - 1) <= mtu


def test_pppoe_underlay_subtracts_eight() -> None:
    assert recommend("wireguard", 1500, pppoe=True).recommended_mtu == 1432


def test_no_path_mtu_gives_no_recommendation_with_reason() -> None:
    vpn = recommend("openvpn", None)
    assert vpn.recommended_mtu is None
    assert vpn.overhead_bytes == 52
    assert vpn.why is not None
    assert "not measured" in vpn.why


def test_small_tunnel_has_no_ipv6_mss() -> None:
    rec = plan("l2tp", 1300, cipher="aes-cbc-sha256")
    assert rec.recommended_mtu is not None
    assert rec.recommended_mtu < 1280
    assert rec.recommended_mss_v6 is None
    assert "note_no_ipv6" in rec.notes


@pytest.mark.parametrize(
    ("protocol", "kwargs"),
    [
        ("nosuchvpn", {}),
        ("wireguard", {"transport": "tcp"}),
        ("wireguard", {"cipher": "aes-gcm"}),
        ("sstp", {"transport": "udp"}),
        ("ipsec", {"cipher": "rot13"}),
        ("pptp", {"nat_t": True}),
    ],
)
def test_bad_input_is_a_sentence(protocol: str, kwargs: dict[str, object]) -> None:
    with pytest.raises(OverheadError) as info:
        tunnel_overhead(protocol, **kwargs)  # type: ignore[arg-type]
    assert str(info.value).endswith(".")


def test_path_too_small_for_tunnel_is_an_error() -> None:
    with pytest.raises(OverheadError):
        recommend("l2tp", 150)


def test_cli_answers_every_protocol_in_both_languages() -> None:
    for protocol in PROTOCOLS:
        result = run_vpndiag("overhead", "--protocol", protocol, "--pmtu", "1400", "--json", "--lang", "ja")
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout)
        assert out["recommended_mtu"] == 1400 - out["overhead_bytes"] or out["padding_align"] > 1
        assert out["why"]
        assert "。" in out["why"]


def test_cli_wireguard_1400_text_and_errors() -> None:
    result = run_vpndiag("overhead", "--protocol", "wg", "--pmtu", "1400", "--lang", "en")
    assert result.returncode == 0
    assert "tunnel MTU 1340" in result.stdout
    bad = run_vpndiag("overhead", "--protocol", "carrier-pigeon")
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr
    assert "wireguard" in bad.stderr


def test_every_part_name_has_a_translation() -> None:
    from diag.i18n.checks import PARTS

    names = {
        part.name
        for protocol in PROTOCOLS
        for family in (4, 6)
        for cipher in (None, "aes-cbc-sha1", "aes-cbc-sha256", "tls13", "aead-epoch")
        for transport in (None, "tcp", "udp")
        for result in [_try(protocol, family, cipher, transport)]
        if result is not None
        for part in result.parts
    }
    names |= {p.name for p in tunnel_overhead("openvpn", tap=True, pppoe=True, cipher="aes-256-cbc").parts}
    names |= {p.name for p in tunnel_overhead("l2tp", nat_t=True).parts}
    assert names <= PARTS.keys()
    assert PARTS.text("IPv4 header", "ja") == "IPv4 ヘッダー"


def _try(protocol: str, family: int, cipher: str | None, transport: str | None) -> OverheadResult | None:
    try:
        return tunnel_overhead(protocol, outer_family=family, cipher=cipher, transport=transport)  # type: ignore[arg-type]
    except OverheadError:
        return None
