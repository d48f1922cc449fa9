"""`vpndiag serve`: the support server on one host: ingest API, staff API and web UI over HTTP, and the probe
responders customers' tools measure against (UDP path-MTU probes, TCP MSS reflection).

Heavy imports (FastAPI, SQLAlchemy, uvicorn) happen in run(), so the rest of the CLI never loads them.
"""

from __future__ import annotations

import argparse

from reports.errors import VpndiagError

DEFAULT_HTTP = "127.0.0.1:8080"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--http",
        default=DEFAULT_HTTP,
        metavar="HOST:PORT",
        help=f"where the web server listens (default {DEFAULT_HTTP})",
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="sqlite:///PATH or postgresql://USER:PASS@HOST/DB (default: a SQLite file in the user data "
        "directory, or in $VPNDIAG_DATA_DIR)",
    )
    parser.add_argument("--ingest-key", metavar="K", help="uploads must send this in the X-Ingest-Key header")
    parser.add_argument(
        "--rate-limit",
        type=float,
        default=60.0,
        metavar="PER_MINUTE",
        help="uploads per minute from one client address, after a burst of 20 (0 turns the limit off; default 60)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="processes serving HTTP (one per CPU core uses them all; default 1)",
    )
    parser.add_argument(
        "--retention-days",
        type=int,
        metavar="N",
        help="delete reports received more than N days ago, at start and every hour (default: keep them all)",
    )
    parser.add_argument("--udp-port", type=int, metavar="N", help="also answer UDP path-MTU probes on this port")
    parser.add_argument("--udp-host", default="::", metavar="ADDR", help="address for the UDP responder (default: all)")
    parser.add_argument(
        "--mss-port", type=int, metavar="N", help="also reflect the TCP MSS of clients' SYNs on this port"
    )
    parser.add_argument("--mss-host", default="::", metavar="ADDR", help="address for the MSS reflector (default: all)")


def parse_host_port(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise VpndiagError(f"--http needs HOST:PORT, e.g. 127.0.0.1:8080 or [::]:8080, not {text!r}.")
    return host.strip("[]") or "127.0.0.1", int(port)


def _check_port(option: str, port: int | None) -> None:
    if port is not None and not 0 < port < 65536:
        raise VpndiagError(f"{option} needs a port number from 1 to 65535, not {port}.")


def run(args: argparse.Namespace) -> int:
    from reports.server.db import default_db_url
    from reports.server.runner import Listen, serve_forever
    from reports.server.settings import ServerSettings

    host, port = parse_host_port(args.http)
    _check_port("--udp-port", args.udp_port)
    _check_port("--mss-port", args.mss_port)
    if not 1 <= args.workers <= 64:
        raise VpndiagError(f"--workers needs a number from 1 to 64, not {args.workers}.")
    if args.retention_days is not None and args.retention_days < 1:
        raise VpndiagError(f"--retention-days needs a number of days from 1 up, not {args.retention_days}.")
    settings = ServerSettings(
        db_url=args.db or default_db_url(),
        ingest_key=args.ingest_key,
        rate_limit_per_minute=args.rate_limit,
        retention_days=args.retention_days,
    )
    serve_forever(
        settings,
        Listen(host, port),
        workers=args.workers,
        udp=Listen(args.udp_host, args.udp_port) if args.udp_port is not None else None,
        mss=Listen(args.mss_host, args.mss_port) if args.mss_port is not None else None,
    )
    return 0
