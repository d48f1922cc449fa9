"""`vpndiag staff create|revoke|list`: support people's accounts for the server's web UI and API tokens."""

from __future__ import annotations

import argparse
import getpass
from typing import TYPE_CHECKING

from reports.errors import VpndiagError

if TYPE_CHECKING:
    from reports.server.accounts import Accounts


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="staff_action", metavar="ACTION", required=True)
    create = actions.add_parser(
        "create",
        help="create an account (or set a new password) and print a new API token",
        description="Create a staff account, or set a new password for an existing one, and print a new API token.",
    )
    create.add_argument("name", help="the person's login name")
    _add_db_argument(create)
    create.add_argument("--password", metavar="P", help="the password (asked for when absent)")
    revoke = actions.add_parser(
        "revoke",
        help="delete a person's API tokens and web sessions (the password still works)",
        description="Delete every API token and web session of a staff account: the person must log in again. "
        "The password still works; `vpndiag staff create NAME` sets a new one and prints a new token.",
    )
    revoke.add_argument("name", help="the person's login name")
    _add_db_argument(revoke)
    listing = actions.add_parser(
        "list",
        help="the staff accounts with their API tokens and web sessions",
        description="List the staff accounts with how many API tokens and unexpired web sessions each has.",
    )
    _add_db_argument(listing)


def _add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="the server's database (default: as `vpndiag serve`)")


def _ask_password() -> str:
    first = getpass.getpass("Password for the staff account: ")
    second = getpass.getpass("The same password again: ")
    if first != second:
        raise VpndiagError("The two passwords differ; run the command again.")
    return first


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _create(accounts: Accounts, args: argparse.Namespace, password: str) -> None:
    token = accounts.create_staff(args.name, password)
    print(f"Staff account {args.name!r} is ready; log in at /staff/login. Its API token (shown once):")
    print(token)


def _revoke(accounts: Accounts, args: argparse.Namespace) -> None:
    revoked = accounts.revoke(args.name)
    print(
        f"Revoked {revoked.name!r}: deleted {_plural(revoked.tokens, 'API token')} and "
        f"{_plural(revoked.sessions, 'web session')}. The password still works at /staff/login; "
        f"`vpndiag staff create {revoked.name}` sets a new one and prints a new token."
    )


def _list(accounts: Accounts) -> None:
    members = accounts.list_staff()
    if not members:
        print("No staff accounts yet; `vpndiag staff create NAME` makes one.")
        return
    width = max(len("name"), *(len(member.name) for member in members))
    print(f"{'name':<{width}}  tokens  sessions")
    for member in members:
        print(f"{member.name:<{width}}  {member.tokens:>6}  {member.sessions:>8}")


def run(args: argparse.Namespace) -> int:
    from reports.server.accounts import Accounts
    from reports.server.db import default_db_url, migrate, open_engine

    password = None
    if args.staff_action == "create":
        # Asked before the database is opened, so a mistyped password costs no connection.
        password = args.password if args.password is not None else _ask_password()
    engine = open_engine(args.db or default_db_url())
    try:
        migrate(engine)
        accounts = Accounts(engine)
        if password is not None:
            _create(accounts, args, password)
        elif args.staff_action == "revoke":
            _revoke(accounts, args)
        else:
            _list(accounts)
    finally:
        engine.dispose()
    return 0
