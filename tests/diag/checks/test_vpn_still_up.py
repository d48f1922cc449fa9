"""The end-of-run check that the VPN adapters seen at the start are still up (a VPN dropping mid-run)."""

from __future__ import annotations

from diag.checks.adapters import interfaces_up, vanished_vpn_adapters
from reports.model import Adapter, AdapterKind


def _adapter(name: str, kind: AdapterKind, is_up: bool = True) -> Adapter:
    return Adapter(name=name, mtu=1420, kind=kind, is_up=is_up, is_vpn=kind == AdapterKind.wireguard)


def test_only_vpn_adapters_that_were_up_and_are_gone_count() -> None:
    adapters = [
        _adapter("wg0", AdapterKind.wireguard),
        _adapter("wg1", AdapterKind.wireguard, is_up=False),  # already down at the start: not a drop
        _adapter("eth0", AdapterKind.ethernet),  # not a VPN
    ]
    assert vanished_vpn_adapters(adapters, {"lo"}) == ["wg0"]
    assert vanished_vpn_adapters(adapters, {"wg0", "lo"}) == []


def test_loopback_is_up_here() -> None:
    assert "lo" in interfaces_up()
