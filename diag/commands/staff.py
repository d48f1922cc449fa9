"""`vpndiag staff create NAME`: a support person's account for the server's web UI, and an API token."""

from __future__ import annotations

import argparse
import getpass

from reports.errors import VpndiagError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="staff_action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create an account (or set a new password) and print a new API token",
        description="Create a staff account, or set a new password for an existing one, and print a new API token.",
    )
    create.add_argument("name", help="the person's login name")
    create.add_argument("--db", metavar="URL", help="the server's database (default: as `vpndiag serve`)")
    create.add_argument("--password", metavar="P", help="the password (asked for when absent)")


def _ask_password() -> str:
    first = getpass.getpass("Password for the staff account: ")
    second = getpass.getpass("The same password again: ")
    if first != second:
        raise VpndiagError("The two passwords differ; run the command again.")
    return first


def run(args: argparse.Namespace) -> int:
    from reports.server.accounts import Accounts
    from reports.server.db import default_db_url, migrate, open_engine

    password = args.password if args.password is not None else _ask_password()
    engine = open_engine(args.db or default_db_url())
    try:
        migrate(engine)
        token = Accounts(engine).create_staff(args.name, password)
    finally:
        engine.dispose()
    print(f"Staff account {args.name!r} is ready; log in at /staff/login. Its API token (shown once):")
    print(token)
    return 0
