"""`vpndiag serve --udp-port N`: the support server's probe responders.

For now only the UDP path-MTU responder (reports/server/udp_responder.py); the support server's issue adds the
ingest API, the staff UI and the other responders to this command.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--udp-port", type=int, metavar="N", help="answer UDP path-MTU probes on this port")
    parser.add_argument("--udp-host", default="::", metavar="ADDR", help="address to listen on (default: all)")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from reports.errors import VpndiagError

    if args.udp_port is None or not 0 < args.udp_port < 65536:
        raise VpndiagError("Say which UDP port to answer path-MTU probes on: vpndiag serve --udp-port 4821.")
    try:
        asyncio.run(_serve(args.udp_host, args.udp_port))
    except OSError as exc:
        raise VpndiagError(
            f"Could not listen on UDP port {args.udp_port} ({exc.strerror or exc}); pick another port or stop "
            "the program using it."
        ) from exc
    return 0


async def _serve(host: str, port: int) -> None:
    import asyncio
    import signal
    import sys

    from reports.server.udp_responder import start_udp_responder

    handle = await start_udp_responder(host, port)
    print(f"vpndiag serve: answering UDP path-MTU probes on port {handle.port}", file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        handle.close()
