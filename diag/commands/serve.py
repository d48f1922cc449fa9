"""`vpndiag serve`: the support server (ingest API, staff API and web UI) on one port.

Heavy imports (FastAPI, SQLAlchemy, uvicorn) happen in run(), so the rest of the CLI never loads them.
"""

from __future__ import annotations

import argparse

from reports.errors import VpndiagError

DEFAULT_HTTP = "127.0.0.1:8080"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--http", default=DEFAULT_HTTP, metavar="HOST:PORT", help=f"where to listen (default {DEFAULT_HTTP})"
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


def parse_host_port(text: str) -> tuple[str, int]:
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise VpndiagError(f"--http needs HOST:PORT, e.g. 127.0.0.1:8080 or [::]:8080, not {text!r}.")
    return host.strip("[]") or "127.0.0.1", int(port)


def run(args: argparse.Namespace) -> int:
    import uvicorn

    from reports.server.app import create_app
    from reports.server.db import default_db_url
    from reports.server.settings import ServerSettings

    host, port = parse_host_port(args.http)
    settings = ServerSettings(
        db_url=args.db or default_db_url(),
        ingest_key=args.ingest_key,
        rate_limit_per_minute=args.rate_limit,
    )
    app = create_app(settings)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    shown_host = f"[{host}]" if ":" in host else host
    safe_db = app.state.engine.url.render_as_string(hide_password=True)
    print(f"vpndiag serve: staff UI at http://{shown_host}:{port}/staff/ ; uploads to http://{shown_host}:{port}/api/v1/reports ; database {safe_db}", flush=True)
    server.run()
    return 0
