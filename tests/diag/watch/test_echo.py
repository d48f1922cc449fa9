from __future__ import annotations

import os
from pathlib import Path

import pytest

from diag.watch.echo import echo
from diag.watch.timeline import Outcome


def _icmp_allowed() -> bool:
    # "1 0" (an empty range) is the kernel's default: no group may open ICMP datagram sockets.
    low, high = Path("/proc/sys/net/ipv4/ping_group_range").read_text().split()
    return os.geteuid() == 0 or int(low) <= int(high)


pytestmark = pytest.mark.skipif(not _icmp_allowed(), reason="needs root or net.ipv4.ping_group_range")


async def test_loopback_echoes_come_back_with_an_rtt() -> None:
    small = await echo("127.0.0.1", 84, dont_fragment=True, wait_s=1.0)
    assert small.outcome is Outcome.ok
    assert small.rtt_ms is not None
    v6 = await echo("::1", 1280, dont_fragment=True, wait_s=1.0)
    assert v6.outcome is Outcome.ok


async def test_sizes_that_cannot_be_sent_are_results_not_exceptions() -> None:
    tiny = await echo("127.0.0.1", 20, dont_fragment=True, wait_s=1.0)
    assert (tiny.outcome, tiny.reason) == (Outcome.error, "size_below_headers")
    # 65536 bytes is one more than an IP packet can be: the local stack refuses it, nothing is sent.
    huge = await echo("127.0.0.1", 65536, dont_fragment=True, wait_s=1.0)
    assert huge.outcome is Outcome.too_big
