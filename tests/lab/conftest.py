"""Fixtures that build the network lab (scripts/lab) and always tear it down, also when a test fails.

    def test_something(make_lab):
        lab = make_lab("blackhole", 1400)               # or loss=10, wireguard=True, wg_mtu=1380
        result = lab.client_run(["ping", "-c", "1", lab.server_v4])

`make_lab` labs live for one test; `make_module_lab` labs are shared by the tests of a module (change them with
`lab.set_mode(...)` / `lab.set_mtu(...)` instead of building new ones: building costs about a second).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.conftest import require_root
from tests.lab.labctl import Lab, Mode, collect_stale_labs, lab_up

LAB_TOOLS = ("ip", "iptables", "ip6tables", "ping")

MakeLab = Callable[..., Lab]

_stale_collected = False


def _factory() -> tuple[MakeLab, list[Lab]]:
    labs: list[Lab] = []

    def make(mode: Mode, mtu: int, loss: int | None = None, wireguard: bool = False, wg_mtu: int = 1420) -> Lab:
        global _stale_collected
        tools = (*LAB_TOOLS, "wireguard-go", "wg") if wireguard else LAB_TOOLS
        require_root("network lab", tools)
        if not _stale_collected:
            collect_stale_labs()
            _stale_collected = True
        lab = lab_up(mode, mtu, loss=loss, wireguard=wireguard, wg_mtu=wg_mtu)
        labs.append(lab)
        return lab

    return make, labs


def _tear_down(labs: list[Lab]) -> None:
    errors = []
    for lab in labs:
        try:
            lab.down()
        except Exception as exc:  # keep tearing down the others
            errors.append(exc)
    if errors:
        raise errors[0]


@pytest.fixture
def make_lab() -> Iterator[MakeLab]:
    """A factory: `make_lab(mode, mtu, loss=None, wireguard=False, wg_mtu=1420) -> Lab`, torn down after the test."""
    make, labs = _factory()
    try:
        yield make
    finally:
        _tear_down(labs)


@pytest.fixture(scope="module")
def make_module_lab() -> Iterator[MakeLab]:
    """Like `make_lab`, but the labs live until the module's last test finished."""
    make, labs = _factory()
    try:
        yield make
    finally:
        _tear_down(labs)
