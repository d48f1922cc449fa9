"""The VPN overhead calculator: what each tunnel protocol adds to every inner packet, and the tunnel MTU that fits.

Pure: no sockets, no clock. Every byte count cites its source (shared/reference/FACTS.md lists them).

An outer packet is modelled as

    outer(inner) = headers + pad(inner + inside) + tag

where `headers` are bytes outside the encrypted part (outer IP, UDP/TCP, protocol header, IV), `inside` are bytes
encrypted together with the inner packet before padding (ESP trailer, inner PPP/L2TP headers, OpenVPN packet id),
`pad` rounds up to the cipher's block or alignment and `tag` is the authentication tag / ICV. WireGuard is special:
its plaintext is padded to a multiple of 16 but never beyond the tunnel MTU (WireGuard paper §5.4.6; Linux
drivers/net/wireguard/send.c `calculate_skb_padding`), so a tunnel MTU of path MTU − 60 always fits, while a larger
tunnel MTU lets only inner packets up to the 16-aligned budget through (1328 on a 1400 path, not 1340).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from reports.errors import VpndiagError
from reports.i18n import Lang
from reports.model import Vpn

Family = Literal[4, 6]

# Every link must carry IPv6 packets of 1280 bytes (RFC 8200 §5); a tunnel below that cannot carry IPv6.
IPV6_MIN_MTU = 1280
# IPv4 minimum every link must pass (RFC 791).
IPV4_MIN_MTU = 68
# Standard Ethernet payload (RFC 894), assumed by `vpndiag overhead` when no path MTU is given.
ETHERNET_MTU = 1500
# TCP MSS = MTU − IP header − TCP header: 20 + 20 for IPv4, 40 + 20 for IPv6 (RFC 879; RFC 9293 §3.7.1).
MSS_HEADERS = {4: 40, 6: 60}


class OverheadError(VpndiagError):
    """A protocol, cipher or transport the calculator does not know, or a path too small for the tunnel."""


@dataclass(frozen=True)
class Part:
    """Some bytes of the outer packet: what they are and where the number comes from."""

    name: str
    size: int
    source: str


def _ip(family: Family) -> Part:
    # IPv4 header without options 20 bytes (RFC 791 §3.1); IPv6 fixed header 40 bytes (RFC 8200 §3).
    return Part("IPv4 header", 20, "RFC 791 §3.1") if family == 4 else Part("IPv6 header", 40, "RFC 8200 §3")


UDP = Part("UDP header", 8, "RFC 768")
# TCP header 20 bytes (RFC 9293 §3.1) plus the timestamps option most stacks send on every segment:
# 10 bytes padded to 12 (RFC 7323 §3).
TCP_PARTS = (Part("TCP header", 20, "RFC 9293 §3.1"), Part("TCP timestamps option", 12, "RFC 7323 §3"))
NAT_T = Part("NAT-T UDP header (port 4500)", 8, "RFC 3948 §2.1")
# PPPoE header 6 + PPP protocol 2: MTU 1492 on Ethernet (RFC 2516 §4, §7)
PPPOE = Part("PPPoE + PPP header (underlay)", 8, "RFC 2516 §4, §7")
ETHERNET = Part("Ethernet header (tap)", 14, "IEEE 802.3; OpenVPN manual --dev tap")


@dataclass(frozen=True)
class Framing:
    """How one protocol wraps an inner packet (see the module docstring for the formula)."""

    headers: tuple[Part, ...]
    inside: tuple[Part, ...] = ()
    align: int = 1
    tag: tuple[Part, ...] = ()
    # WireGuard pads to the alignment but never beyond the tunnel MTU.
    pad_capped_at_tunnel_mtu: bool = False


@dataclass(frozen=True)
class OverheadResult:
    protocol: str
    display_name: str
    outer_family: Family
    cipher: str
    transport: str
    parts: tuple[Part, ...]
    align: int
    fixed_bytes: int
    """Bytes added to every packet before any padding."""
    max_bytes: int
    """Worst case including padding (WireGuard: padding never grows a full-size packet, so equal to fixed)."""
    pad_capped_at_tunnel_mtu: bool
    framing: Framing

    def max_inner(self, path_mtu: int, tunnel_mtu: int | None = None) -> int:
        """Largest inner packet whose outer packet still fits a path of `path_mtu` bytes."""
        f = self.framing
        budget = path_mtu - _total(f.headers) - _total(f.tag)
        if f.pad_capped_at_tunnel_mtu and (tunnel_mtu is None or tunnel_mtu <= budget):
            # Padding stops at the tunnel MTU, so every packet the tunnel accepts fits.
            return budget if tunnel_mtu is None else tunnel_mtu
        return _align_down(budget, f.align) - _total(f.inside)

    def recommended_mtu(self, path_mtu: int) -> int:
        """The largest tunnel MTU for which every inner packet fits the path."""
        return self.max_inner(path_mtu)


def _total(parts: tuple[Part, ...]) -> int:
    return sum(p.size for p in parts)


def _align_down(value: int, align: int) -> int:
    return value - value % align


# ---- ciphers ---------------------------------------------------------------------------------------------------

ESP_HEADER = Part("ESP header (SPI 4 + sequence 4)", 8, "RFC 4303 §2")
ESP_TRAILER = Part("ESP pad length 1 + next header 1", 2, "RFC 4303 §2.4, §2.5")
ESP_CIPHERS: dict[str, tuple[tuple[Part, ...], int, Part]] = {
    # name: (IV, alignment of payload + padding + trailer, ICV)
    "aes-gcm": (
        (Part("AES-GCM IV", 8, "RFC 4106 §3.1"),),
        4,  # ESP aligns the trailer to 4 bytes (RFC 4303 §2.4); GCM itself needs no block padding (RFC 4106 §3.2)
        Part("AES-GCM ICV", 16, "RFC 4106 §6 (16-byte ICV)"),
    ),
    "aes-cbc-sha1": (
        (Part("AES-CBC IV", 16, "RFC 3602 §3"),),
        16,  # AES block (RFC 3602 §2.4)
        Part("HMAC-SHA1-96 ICV", 12, "RFC 2404 §2"),
    ),
    "aes-cbc-sha256": (
        (Part("AES-CBC IV", 16, "RFC 3602 §3"),),
        16,
        Part("HMAC-SHA256-128 ICV", 16, "RFC 4868 §2.3"),
    ),
}
ESP_ALIASES = {
    "aes-gcm-16": "aes-gcm",
    "aes128gcm16": "aes-gcm",
    "aes256gcm16": "aes-gcm",
    "aes-128-gcm": "aes-gcm",
    "aes-256-gcm": "aes-gcm",
    "gcm": "aes-gcm",
    "aes-cbc": "aes-cbc-sha1",
    "aes-sha1": "aes-cbc-sha1",
    "aes128-sha1": "aes-cbc-sha1",
    "aes256-sha1": "aes-cbc-sha1",
    "aes-sha256": "aes-cbc-sha256",
    "aes128-sha256": "aes-cbc-sha256",
    "aes256-sha256": "aes-cbc-sha256",
}

OPENVPN_AEAD_ALIASES = {"aes-gcm", "aes-128-gcm", "aes-256-gcm", "chacha20-poly1305", "aead", "gcm"}
OPENVPN_CBC_ALIASES = {"aes-cbc-sha1", "aes-256-cbc", "aes-128-cbc", "cbc", "aes-cbc"}

TLS_CIPHERS: dict[str, tuple[tuple[Part, ...], int, tuple[Part, ...], tuple[Part, ...]]] = {
    # name: (record header + explicit IV/nonce, alignment, inside, tag)
    "aes-gcm": (
        (
            Part("TLS 1.2 record header", 5, "RFC 5246 §6.2.1"),
            Part("AES-GCM explicit nonce", 8, "RFC 5288 §3"),
        ),
        1,
        (),
        (Part("AES-GCM tag", 16, "RFC 5288 §3"),),
    ),
    "tls13": (
        (Part("TLS 1.3 record header", 5, "RFC 8446 §5.2"),),
        1,
        (Part("TLS 1.3 inner content type", 1, "RFC 8446 §5.2"),),
        (Part("AEAD tag", 16, "RFC 8446 §5.2; RFC 5116 §5.1"),),
    ),
}
TLS_ALIASES = {"aes-128-gcm": "aes-gcm", "aes-256-gcm": "aes-gcm", "gcm": "aes-gcm", "tls1.3": "tls13"}

DTLS_CIPHERS: dict[str, tuple[tuple[Part, ...], int, tuple[Part, ...], tuple[Part, ...]]] = {
    "aes-gcm": (
        (
            Part("DTLS 1.2 record header", 13, "RFC 6347 §4.1"),
            Part("AES-GCM explicit nonce", 8, "RFC 5288 §3"),
        ),
        1,
        (),
        (Part("AES-GCM tag", 16, "RFC 5288 §3"),),
    ),
    "aes-cbc-sha1": (
        (
            Part("DTLS 1.2 record header", 13, "RFC 6347 §4.1"),
            Part("AES-CBC explicit IV", 16, "RFC 5246 §6.2.3.2"),
        ),
        16,
        # MAC is computed over the plaintext and encrypted with it, then padded with at least 1 byte.
        (
            Part("HMAC-SHA1 MAC", 20, "RFC 5246 §6.2.3.2"),
            Part("CBC padding length (minimum padding)", 1, "RFC 5246 §6.2.3.2"),
        ),
        (),
    ),
}


# ---- protocols -------------------------------------------------------------------------------------------------

PROTOCOL_ALIASES = {
    "wg": "wireguard",
    "wireguard": "wireguard",
    "openvpn": "openvpn-udp",
    "ovpn": "openvpn-udp",
    "openvpn-udp": "openvpn-udp",
    "openvpn-tcp": "openvpn-tcp",
    "ipsec": "ipsec",
    "esp": "ipsec",
    "ikev2": "ikev2",
    "ikev2-ipsec": "ikev2",
    "l2tp": "l2tp",
    "l2tp-ipsec": "l2tp",
    "l2tp/ipsec": "l2tp",
    "pptp": "pptp",
    "sstp": "sstp",
    "openconnect": "openconnect",
    "anyconnect": "openconnect",
    "ocserv": "openconnect",
}
PROTOCOLS = ("wireguard", "openvpn-udp", "openvpn-tcp", "ipsec", "ikev2", "l2tp", "pptp", "sstp", "openconnect")

DISPLAY_NAMES = {
    "wireguard": "WireGuard",
    "openvpn-udp": "OpenVPN (UDP)",
    "openvpn-tcp": "OpenVPN (TCP)",
    "ipsec": "IPsec ESP",
    "ikev2": "IKEv2/IPsec",
    "l2tp": "L2TP/IPsec",
    "pptp": "PPTP",
    "sstp": "SSTP",
    "openconnect": "OpenConnect",
}

# Cipher assumed when none is given, with why.
DEFAULT_CIPHER = {
    "wireguard": "chacha20-poly1305",  # the only one WireGuard has (WireGuard paper §5.4)
    "openvpn-udp": "aes-gcm",  # OpenVPN ≥ 2.5 negotiates AES-256-GCM first (manual: --data-ciphers)
    "openvpn-tcp": "aes-gcm",
    "ipsec": "aes-gcm",  # AES-GCM-16 is a MUST for ESP (RFC 8221 §5)
    "ikev2": "aes-gcm",
    "l2tp": "aes-cbc-sha1",  # the proposal L2TP/IPsec clients have long used; the larger overhead is the safe guess
    "pptp": "mppe",  # PPTP only has MPPE (RFC 3078)
    "sstp": "aes-gcm",  # TLS 1.2 AES-GCM (MS-SSTP runs over HTTPS)
    "openconnect": "aes-gcm",  # DTLS 1.2 AES-GCM, what current ocserv/AnyConnect negotiate first
}

# The transport each protocol runs over; the ones with a choice list both.
TRANSPORTS: dict[str, tuple[str, ...]] = {
    "wireguard": ("udp",),
    "openvpn-udp": ("udp",),
    "openvpn-tcp": ("tcp",),
    "ipsec": ("esp", "udp"),
    "ikev2": ("esp", "udp"),
    "l2tp": ("udp",),
    "pptp": ("gre",),
    "sstp": ("tcp",),
    "openconnect": ("udp", "tcp"),
}


def canonical_protocol(protocol: str) -> str:
    name = PROTOCOL_ALIASES.get(protocol.strip().lower())
    if name is None:
        raise OverheadError(
            f"The VPN protocol {protocol!r} is not one vpndiag knows. Use one of: {', '.join(PROTOCOLS)}."
        )
    return name


def _esp(cipher: str, family: Family, nat_t: bool, inner_extra: tuple[Part, ...] = ()) -> Framing:
    name = ESP_ALIASES.get(cipher, cipher)
    if name not in ESP_CIPHERS:
        raise OverheadError(f"The IPsec cipher {cipher!r} is not known here. Use one of: {', '.join(ESP_CIPHERS)}.")
    iv, align, icv = ESP_CIPHERS[name]
    # Tunnel mode adds a new outer IP header; transport mode (L2TP/IPsec) keeps the original one, which the L2TP
    # packet needs anyway, so either way there is one outer IP header (RFC 4303 §3.1.1, §3.1.2).
    headers = (_ip(family), *((NAT_T,) if nat_t else ()), ESP_HEADER, *iv)
    return Framing(headers=headers, inside=(*inner_extra, ESP_TRAILER), align=align, tag=(icv,))


def _openvpn(cipher: str, family: Family, transport: str, tap: bool) -> Framing:
    outer: tuple[Part, ...]
    if transport == "tcp":
        # Over TCP every packet is prefixed with its 2-byte length (OpenVPN manual, --proto tcp; src/openvpn/mtu.c).
        outer = (_ip(family), *TCP_PARTS, Part("OpenVPN TCP length prefix", 2, "OpenVPN src/openvpn/mtu.c"))
    else:
        outer = (_ip(family), UDP)
    layer2 = (ETHERNET,) if tap else ()
    if cipher in OPENVPN_AEAD_ALIASES or cipher == "aead-epoch":
        packet_id = 8 if cipher == "aead-epoch" else 4
        return Framing(
            headers=(
                *outer,
                # P_DATA_V2: opcode + key id 1 byte, peer id 3 bytes (OpenVPN src/openvpn/ssl.c)
                Part("OpenVPN opcode + peer id (P_DATA_V2)", 4, "OpenVPN src/openvpn/ssl.c"),
                # AEAD: the packet id doubles as the nonce tail; 8 bytes in the 2.7 epoch format (OpenVPN #1074)
                Part("OpenVPN packet id", packet_id, "OpenVPN src/openvpn/mtu.c; OpenVPN issue #1074"),
                Part("AEAD tag", 16, "OpenVPN src/openvpn/crypto.c (AES-GCM / ChaCha20-Poly1305 tag)"),
            ),
            inside=layer2,
        )
    if cipher in OPENVPN_CBC_ALIASES:
        return Framing(
            headers=(
                *outer,
                Part("OpenVPN opcode (P_DATA_V1)", 1, "OpenVPN src/openvpn/ssl.c"),
                Part("HMAC-SHA1", 20, "OpenVPN manual --auth SHA1"),
                Part("CBC IV", 16, "OpenVPN manual --cipher (AES block)"),
            ),
            # The packet id is encrypted with the payload; PKCS#7 padding adds 1..16 bytes (RFC 5652 §6.3).
            inside=(
                Part("OpenVPN packet id", 4, "OpenVPN src/openvpn/crypto.c"),
                *layer2,
                Part("PKCS#7 padding (minimum 1)", 1, "RFC 5652 §6.3"),
            ),
            align=16,
        )
    known = sorted(OPENVPN_AEAD_ALIASES | OPENVPN_CBC_ALIASES | {"aead-epoch"})
    raise OverheadError(f"The OpenVPN cipher {cipher!r} is not known here. Use one of: {', '.join(known)}.")


def _tls(
    table: dict[str, tuple[tuple[Part, ...], int, tuple[Part, ...], tuple[Part, ...]]], cipher: str
) -> tuple[tuple[Part, ...], int, tuple[Part, ...], tuple[Part, ...]]:
    name = TLS_ALIASES.get(cipher, cipher)
    if name not in table:
        raise OverheadError(f"The TLS cipher {cipher!r} is not known here. Use one of: {', '.join(table)}.")
    return table[name]


# PPP framing inside L2TP, PPTP and SSTP: address/control 2 bytes (RFC 1662 §3.1; often compressed away, counted
# here because it may be sent) and protocol 2 bytes (RFC 1661 §2).
PPP = (Part("PPP address + control", 2, "RFC 1662 §3.1"), Part("PPP protocol", 2, "RFC 1661 §2"))


def _framing(protocol: str, family: Family, cipher: str, transport: str, nat_t: bool, tap: bool) -> Framing:
    if protocol == "wireguard":
        return Framing(
            headers=(
                _ip(family),
                UDP,
                # type 1, reserved 3, receiver index 4, counter 8 (WireGuard paper §5.4.6, "transport data")
                Part("WireGuard data header", 16, "WireGuard paper §5.4.6"),
            ),
            align=16,  # plaintext padded to 16 bytes (WireGuard paper §5.4.6; drivers/net/wireguard/send.c)
            tag=(Part("Poly1305 tag", 16, "WireGuard paper §5.4.6; RFC 8439 §2.8"),),
            pad_capped_at_tunnel_mtu=True,
        )
    if protocol in ("openvpn-udp", "openvpn-tcp"):
        return _openvpn(cipher, family, transport, tap)
    if protocol in ("ipsec", "ikev2"):
        return _esp(cipher, family, nat_t)
    if protocol == "l2tp":
        l2tp = (
            UDP,
            # 6 mandatory bytes + Length 2 + Ns/Nr 4 + Offset Size 2 (RFC 2661 §3.1); offset padding not counted.
            Part("L2TP data header (worst case)", 14, "RFC 2661 §3.1"),
            *PPP,
        )
        return _esp(cipher, family, nat_t, l2tp)
    if protocol == "pptp":
        return Framing(
            headers=(
                _ip(family),
                # Enhanced GRE: 8 bytes + sequence 4 + acknowledgement 4 (RFC 2637 §4.1)
                Part("Enhanced GRE header (with sequence and ack)", 16, "RFC 2637 §4.1"),
                *PPP,
                # MPPE: 2-byte header after PPP protocol 0x00FD; the inner PPP protocol is encrypted with the data.
                Part("MPPE header", 2, "RFC 3078"),
                Part("inner PPP protocol (encrypted)", 2, "RFC 3078; RFC 1661 §2"),
            ),
        )
    if protocol == "sstp":
        record, align, inside, tag = _tls(TLS_CIPHERS, cipher)
        return Framing(
            headers=(
                _ip(family),
                *TCP_PARTS,
                *record,
            ),
            # SSTP data packet header: version 1, reserved/C 1, length 2 (MS-SSTP §2.2, data packet), then the PPP frame.
            inside=(*inside, Part("SSTP header", 4, "MS-SSTP §2.2"), *PPP),
            align=align,
            tag=tag,
        )
    if protocol == "openconnect":
        if transport == "tcp":
            record, align, inside, tag = _tls(TLS_CIPHERS, cipher)
            return Framing(
                headers=(_ip(family), *TCP_PARTS, *record),
                # CSTP packet header: "STF" 0x01, length 2, type 1, 0 (openconnect cstp.c data_hdr;
                # draft-mavrogiannopoulos-openconnect-03 §2.2)
                inside=(
                    *inside,
                    Part("CSTP header", 8, "openconnect cstp.c; draft-mavrogiannopoulos-openconnect-03 §2.2"),
                ),
                align=align,
                tag=tag,
            )
        name = {"aes-256-gcm": "aes-gcm", "aes-128-gcm": "aes-gcm", "gcm": "aes-gcm"}.get(cipher, cipher)
        if name not in DTLS_CIPHERS:
            raise OverheadError(f"The DTLS cipher {cipher!r} is not known here. Use one of: {', '.join(DTLS_CIPHERS)}.")
        record, align, inside, tag = DTLS_CIPHERS[name]
        return Framing(
            headers=(_ip(family), UDP, *record),
            # over DTLS only the CSTP header's type byte remains (draft-mavrogiannopoulos-openconnect-03 §2.2)
            inside=(Part("DTLS payload type", 1, "draft-mavrogiannopoulos-openconnect-03 §2.2"), *inside),
            align=align,
            tag=tag,
        )
    raise OverheadError(f"The VPN protocol {protocol!r} is not one vpndiag knows. Use one of: {', '.join(PROTOCOLS)}.")


def tunnel_overhead(
    protocol: str,
    *,
    outer_family: Family = 4,
    cipher: str | None = None,
    transport: str | None = None,
    nat_t: bool = False,
    pppoe: bool = False,
    tap: bool = False,
) -> OverheadResult:
    """What `protocol` adds to each inner packet over an outer IPv4 or IPv6 path.

    `transport` picks OpenVPN's or OpenConnect's TCP mode ("openvpn" with transport "tcp" is "openvpn-tcp") or
    ESP in UDP for IPsec; None is the protocol's usual one, and one it cannot run over is an OverheadError. `nat_t` adds ESP-in-UDP (IPsec, IKEv2, L2TP). `pppoe` counts the
    8 bytes of a PPPoE underlay, for a path MTU given as the Ethernet 1500. `tap` adds OpenVPN's Ethernet header.
    """
    name = canonical_protocol(protocol)
    if name == "openvpn-udp" and transport == "tcp":
        name = "openvpn-tcp"
    elif name == "openvpn-tcp" and transport == "udp":
        name = "openvpn-udp"
    chosen_transport = (transport or TRANSPORTS[name][0]).lower()
    if chosen_transport not in TRANSPORTS[name]:
        raise OverheadError(
            f"{DISPLAY_NAMES[name]} does not run over {chosen_transport.upper()}; "
            f"it uses {' or '.join(t.upper() for t in TRANSPORTS[name])}."
        )
    if chosen_transport == "udp" and name in ("ipsec", "ikev2"):
        nat_t = True  # ESP over UDP is NAT traversal (RFC 3948)
    chosen = (cipher or DEFAULT_CIPHER[name]).lower()
    if name == "wireguard" and chosen not in ("chacha20-poly1305", "chacha20poly1305"):
        raise OverheadError("WireGuard has a single cipher, ChaCha20-Poly1305; leave --cipher out.")
    if name == "pptp" and chosen != "mppe":
        raise OverheadError("PPTP encrypts only with MPPE; leave --cipher out.")
    if nat_t and name not in ("ipsec", "ikev2", "l2tp"):
        raise OverheadError("NAT traversal applies to IPsec, IKEv2 and L2TP/IPsec only.")
    if tap and name not in ("openvpn-udp", "openvpn-tcp"):
        raise OverheadError("A tap (Ethernet) tunnel applies to OpenVPN only.")
    framing = _framing(name, outer_family, chosen, chosen_transport, nat_t, tap)
    if pppoe:
        framing = Framing(
            headers=(PPPOE, *framing.headers),
            inside=framing.inside,
            align=framing.align,
            tag=framing.tag,
            pad_capped_at_tunnel_mtu=framing.pad_capped_at_tunnel_mtu,
        )
    parts = (*framing.headers, *framing.inside, *framing.tag)
    fixed = _total(parts)
    max_padding = 0 if framing.pad_capped_at_tunnel_mtu else framing.align - 1
    return OverheadResult(
        protocol=name,
        display_name=DISPLAY_NAMES[name],
        outer_family=outer_family,
        cipher=chosen,
        transport=chosen_transport,
        parts=parts,
        align=framing.align,
        fixed_bytes=fixed,
        max_bytes=fixed + max_padding,
        pad_capped_at_tunnel_mtu=framing.pad_capped_at_tunnel_mtu,
        framing=framing,
    )


def recommended_mss(tunnel_mtu: int, inner_family: Family) -> int | None:
    """MSS for TCP inside the tunnel; None for IPv6 when the tunnel is below the IPv6 minimum MTU."""
    if inner_family == 6 and tunnel_mtu < IPV6_MIN_MTU:
        return None
    return tunnel_mtu - MSS_HEADERS[inner_family]


@dataclass(frozen=True)
class Recommendation:
    overhead: OverheadResult
    path_mtu: int | None
    path_mtu_assumed: bool
    tunnel_mtu: int | None
    recommended_mtu: int | None
    recommended_mss: int | None
    recommended_mss_v6: int | None
    largest_inner_now: int | None
    """With the current tunnel MTU: the largest inner packet that still fits (None when it all fits)."""
    why_key: str
    notes: tuple[str, ...]


def plan(
    protocol: str,
    underlay_pmtu: int | None,
    outer_family: Family = 4,
    *,
    cipher: str | None = None,
    transport: str | None = None,
    nat_t: bool = False,
    pppoe: bool = False,
    tap: bool = False,
    tunnel_mtu: int | None = None,
    assume_ethernet: bool = False,
) -> Recommendation:
    """The figures behind a recommendation, without the text (see `recommend`)."""
    overhead = tunnel_overhead(
        protocol, outer_family=outer_family, cipher=cipher, transport=transport, nat_t=nat_t, pppoe=pppoe, tap=tap
    )
    assumed = underlay_pmtu is None and assume_ethernet
    path_mtu = ETHERNET_MTU if assumed else underlay_pmtu
    notes: list[str] = []
    if overhead.transport == "tcp":
        notes.append("note_tcp")
    if path_mtu is None:
        return Recommendation(overhead, None, False, tunnel_mtu, None, None, None, None, "why_no_pmtu", tuple(notes))
    mtu = overhead.recommended_mtu(path_mtu)
    if mtu < IPV4_MIN_MTU:
        raise OverheadError(
            f"A path MTU of {path_mtu} bytes leaves no room for {overhead.display_name}; check the measured path MTU."
        )
    if mtu < IPV6_MIN_MTU:
        notes.append("note_no_ipv6")
    largest_now: int | None = None
    if tunnel_mtu is not None and tunnel_mtu > mtu:
        largest_now = overhead.max_inner(path_mtu, tunnel_mtu)
        why = "why_padded_too_big" if overhead.pad_capped_at_tunnel_mtu else "why_too_big"
    elif tunnel_mtu is not None:
        why = "why_fits_now"
    else:
        why = "why_assumed" if assumed else "why_fits"
    return Recommendation(
        overhead=overhead,
        path_mtu=path_mtu,
        path_mtu_assumed=assumed,
        tunnel_mtu=tunnel_mtu,
        recommended_mtu=mtu,
        recommended_mss=recommended_mss(mtu, 4),
        recommended_mss_v6=recommended_mss(mtu, 6),
        largest_inner_now=largest_now,
        why_key=why,
        notes=tuple(notes),
    )


def why_text(rec: Recommendation, lang: Lang) -> str:
    """The one-line why, in `lang`."""
    from diag.i18n.checks import CHECKS

    return CHECKS.text(
        rec.why_key,
        lang,
        protocol=rec.overhead.display_name,
        overhead=rec.overhead.max_bytes,
        pmtu=rec.path_mtu,
        mtu=rec.recommended_mtu,
        mss=rec.recommended_mss,
        mss_v6=rec.recommended_mss_v6 if rec.recommended_mss_v6 is not None else "-",
        tunnel_mtu=rec.tunnel_mtu,
        largest=rec.largest_inner_now,
        family=rec.overhead.outer_family,
    )


def recommend(
    protocol: str,
    underlay_pmtu: int | None,
    outer_family: Family = 4,
    *,
    cipher: str | None = None,
    transport: str | None = None,
    nat_t: bool = False,
    pppoe: bool = False,
    tap: bool = False,
    tunnel_mtu: int | None = None,
    server: str | None = None,
    adapter: str | None = None,
    detected_by: str | None = None,
    lang: Lang = "en",
) -> Vpn:
    """The report's `vpn` block: overhead, the tunnel MTU and MSS that fit the measured underlay path, and why.

    `underlay_pmtu` None (not measured) leaves the recommendation empty with the reason in `why`.
    """
    rec = plan(
        protocol,
        underlay_pmtu,
        outer_family,
        cipher=cipher,
        transport=transport,
        nat_t=nat_t,
        pppoe=pppoe,
        tap=tap,
        tunnel_mtu=tunnel_mtu,
    )
    return Vpn(
        protocol=rec.overhead.protocol,
        server=server,
        adapter=adapter,
        outer_family=outer_family,
        overhead_bytes=rec.overhead.max_bytes,
        tunnel_mtu=tunnel_mtu,
        underlay_pmtu=underlay_pmtu,
        recommended_mtu=rec.recommended_mtu,
        recommended_mss=rec.recommended_mss,
        recommended_mss_v6=rec.recommended_mss_v6,
        why=why_text(rec, lang),
        detected_by=detected_by,
    )
