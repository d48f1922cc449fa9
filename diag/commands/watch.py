"""`vpndiag watch`: sample the tunnel for a while and catch an intermittent failure while it happens."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to watch (default 5; 0: until Ctrl-C)")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between samples (default 2)")
    parser.add_argument("--vpn-server", metavar="HOST", help="the VPN server, pinged outside the tunnel")
    parser.add_argument("--target", metavar="HOST", help="an address inside the tunnel, pinged through it")
    parser.add_argument("--adapter", metavar="NAME", help="the tunnel adapter (default: the one routing to --target)")
    parser.add_argument("--tunnel-mtu", type=int, metavar="N", help="DF probe size (default: the adapter's MTU)")
    parser.add_argument("--json", metavar="PATH|-", help="write the report as JSON to PATH, or - for stdout")
    parser.add_argument("--lang", choices=["en", "ja"], help="language (default: from the environment)")


def run(args: argparse.Namespace) -> int:
    from diag.watch.cli import run_watch_command

    return run_watch_command(args)
