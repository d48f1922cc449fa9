"""`vpndiag tui` (and `vpndiag` alone): the wizard. Textual is imported only when it runs."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target", action="append", default=[], metavar="HOST", help="also probe this host (repeatable)"
    )
    parser.add_argument("--vpn-server", metavar="HOST", help="the VPN server (default: from the profile or detected)")
    parser.add_argument("--protocol", metavar="NAME", help="VPN protocol, e.g. wireguard, openvpn-udp, ikev2")
    parser.add_argument("--probe-server", metavar="HOST:PORT", help="UDP probe responder (default: the profile's)")
    parser.add_argument("--mss-server", metavar="HOST:PORT", help="MSS reflector (default: the profile's)")
    parser.add_argument("--profile", type=Path, metavar="PATH", help="provider profile (default: VPNDIAG_PROFILE)")
    parser.add_argument("--lang", choices=["en", "ja"], help="language (default: the profile's, then the system's)")


def run(args: argparse.Namespace) -> int:
    from diag.profile import load_profile
    from diag.run_options import RunOptions
    from reports.i18n import detect_lang

    profile = load_profile(args.profile)
    lang = args.lang or profile.default_language or detect_lang()
    options = RunOptions(
        targets=tuple(args.target),
        vpn_server=args.vpn_server,
        protocol=args.protocol,
        probe_server=args.probe_server,
        mss_server=args.mss_server,
        lang=lang,
    )
    from diag.tui.app import VpndiagApp

    VpndiagApp(profile=profile, options=options, lang=lang).run()
    return 0
