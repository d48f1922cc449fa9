"""Per-OS socket options for Don't-Fragment probes, in one table (FACTS.md "Probe sockets and the system ping").

Python's socket module lacks most of these names, so the numbers are written out with their source.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import Literal

from diag import system

Family = Literal[4, 6]

# Linux <linux/in.h>, <linux/in6.h>; man 7 ip, man 7 ipv6.
IP_MTU_DISCOVER = 10
IP_RECVERR = 11
IP_MTU = 14
IPV6_MTU_DISCOVER = 23
IPV6_MTU = 24
IPV6_RECVERR = 25
# IP_PMTUDISC_PROBE: set DF and ignore the route's cached path MTU, so a probe larger than what the kernel
# learned earlier is still sent (IP_PMTUDISC_DO would refuse it with EMSGSIZE). Same value for IPv6.
IP_PMTUDISC_PROBE = 3
MSG_ERRQUEUE = 0x2000  # <linux/socket.h>
# struct sock_extended_err origins, <linux/errqueue.h>.
SO_EE_ORIGIN_LOCAL = 1
SO_EE_ORIGIN_ICMP = 2
SO_EE_ORIGIN_ICMP6 = 3
# struct sock_extended_err { u32 ee_errno; u8 ee_origin, ee_type, ee_code, ee_pad; u32 ee_info, ee_data; }
_EXTENDED_ERR = struct.Struct("=IBBBBII")

# macOS <netinet/in.h> IP_DONTFRAG, <netinet6/in6.h> IPV6_DONTFRAG.
MACOS_IP_DONTFRAG = 28
MACOS_IPV6_DONTFRAG = 62
# Windows <ws2ipdef.h> IP_DONTFRAGMENT and IPV6_DONTFRAG.
WINDOWS_IP_DONTFRAGMENT = 14
WINDOWS_IPV6_DONTFRAG = 14

IPPROTO_IP = 0
IPPROTO_IPV6 = 41

OsName = Literal["linux", "macos", "windows"]

# (level, option, value) that make a socket send Don't-Fragment packets, per OS and IP version.
DONT_FRAGMENT: dict[OsName, dict[Family, tuple[int, int, int]]] = {
    "linux": {
        4: (IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_PROBE),
        6: (IPPROTO_IPV6, IPV6_MTU_DISCOVER, IP_PMTUDISC_PROBE),
    },
    "macos": {4: (IPPROTO_IP, MACOS_IP_DONTFRAG, 1), 6: (IPPROTO_IPV6, MACOS_IPV6_DONTFRAG, 1)},
    "windows": {4: (IPPROTO_IP, WINDOWS_IP_DONTFRAGMENT, 1), 6: (IPPROTO_IPV6, WINDOWS_IPV6_DONTFRAG, 1)},
}


def current_os() -> OsName | None:
    """The OS whose socket options apply here, or None on another OS."""
    name = system.current_os()
    return None if name == "other" else name


def set_dont_fragment(sock: socket.socket, family: Family, os_name: OsName | None = None) -> None:
    """Make every datagram of `sock` leave with DF set (IPv6 never fragments in routers; the option stops the
    sending host from fragmenting). Raises OSError where the OS refuses."""
    table = DONT_FRAGMENT.get(os_name or current_os() or "linux")
    if table is None:
        raise OSError("no Don't-Fragment option known for this OS")
    level, option, value = table[family]
    sock.setsockopt(level, option, value)


def enable_error_queue(sock: socket.socket, family: Family) -> None:
    """Linux: queue ICMP errors (frag-needed with its MTU) for `recvmsg(MSG_ERRQUEUE)` (man 7 ip, IP_RECVERR)."""
    if family == 4:
        sock.setsockopt(IPPROTO_IP, IP_RECVERR, 1)
    else:
        sock.setsockopt(IPPROTO_IPV6, IPV6_RECVERR, 1)


def prepare_df_socket(sock: socket.socket, family: Family) -> bool:
    """Set DF on a probe socket and, on Linux, the error queue; True when router errors will arrive on it."""
    set_dont_fragment(sock, family)
    if current_os() != "linux":
        return False
    enable_error_queue(sock, family)
    return True


def path_mtu(sock: socket.socket, family: Family) -> int | None:
    """Linux: the kernel's current MTU towards the connected peer (IP_MTU / IPV6_MTU getsockopt)."""
    try:
        if family == 4:
            return int(sock.getsockopt(IPPROTO_IP, IP_MTU))
        return int(sock.getsockopt(IPPROTO_IPV6, IPV6_MTU))
    except OSError:
        return None


@dataclass(frozen=True)
class QueuedError:
    """One entry of the Linux socket error queue."""

    errno: int
    origin: int  # SO_EE_ORIGIN_*
    icmp_type: int
    icmp_code: int
    info: int  # the MTU for frag-needed / packet-too-big / local EMSGSIZE
    payload: bytes  # the start of the packet that caused it (our probe)

    @property
    def from_router(self) -> bool:
        return self.origin in (SO_EE_ORIGIN_ICMP, SO_EE_ORIGIN_ICMP6)

    def is_too_big(self, family: Family) -> bool:
        """frag-needed (ICMP 3/4, RFC 1191 §4), packet-too-big (ICMPv6 2, RFC 4443 §3.2) or local EMSGSIZE."""
        if self.origin == SO_EE_ORIGIN_LOCAL:
            return self.errno == 90  # EMSGSIZE
        if family == 4:
            return self.origin == SO_EE_ORIGIN_ICMP and (self.icmp_type, self.icmp_code) == (3, 4)
        return self.origin == SO_EE_ORIGIN_ICMP6 and self.icmp_type == 2

    def is_unreachable(self, family: Family) -> bool:
        """Destination unreachable (ICMP 3 other than 4, RFC 792; ICMPv6 1, RFC 4443 §3.1)."""
        if family == 4:
            return self.origin == SO_EE_ORIGIN_ICMP and self.icmp_type == 3 and self.icmp_code != 4
        return self.origin == SO_EE_ORIGIN_ICMP6 and self.icmp_type == 1


def parse_error_queue_message(payload: bytes, ancillary: list[tuple[int, int, bytes]]) -> QueuedError | None:
    """Decode what `recvmsg(..., MSG_ERRQUEUE)` returned: the IP_RECVERR / IPV6_RECVERR control message."""
    for level, kind, data in ancillary:
        if (level, kind) in ((IPPROTO_IP, IP_RECVERR), (IPPROTO_IPV6, IPV6_RECVERR)) and len(data) >= 16:
            errno, origin, icmp_type, icmp_code, _pad, info, _data = _EXTENDED_ERR.unpack_from(data)
            return QueuedError(errno, origin, icmp_type, icmp_code, info, payload)
    return None


def pack_extended_error(errno: int, origin: int, icmp_type: int, icmp_code: int, info: int) -> bytes:
    """The inverse of the parser, for tests."""
    return _EXTENDED_ERR.pack(errno, origin, icmp_type, icmp_code, 0, info, 0)
