"""`vpndiag`: argument parsing and dispatch only.

Each subcommand lives in diag/commands/<name>.py with `add_arguments(parser)` and `run(args) -> int`; those modules
import nothing heavy at module level, so `vpndiag pmtu` never loads Textual or the server.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from diag import __version__
from reports.errors import VpndiagError

# (name, one-line help). Order is the order `--help` lists them in.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("run", "check the connection and the VPN, explain what is wrong and what to do"),
    ("show", "print a saved report in readable form"),
    ("schema", "print the report's JSON Schema"),
    ("overhead", "what a VPN protocol adds to each packet; the tunnel MTU and MSS that fit a path MTU"),
    ("upload", "send a report to support (redacted), or the ones waiting in the outbox"),
    ("export", "write a report as one HTML file, Markdown or JSON, for reading offline"),
    ("pmtu", "measure the path MTU to a host, also through PMTUD black holes"),
    ("serve", "run the support server: report uploads, staff API and web UI, probe responders"),
    ("watch", "watch the tunnel over time and catch intermittent drops"),
    ("staff", "manage the support server's staff accounts"),
)


def _command_module(name: str) -> ModuleType:
    return importlib.import_module(f"diag.commands.{name}")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `only`, just that subcommand's arguments are set up (the others stay stubs)."""
    parser = argparse.ArgumentParser(
        prog="vpndiag",
        description="Find out why a VPN connection stalls or drops: path MTU, black holes, tunnel overhead, "
        "TCP windows. Without a command, the interactive wizard opens.",
    )
    parser.add_argument("--version", action="version", version=f"vpndiag {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS:
        command_parser = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or only == name:
            _command_module(name).add_arguments(command_parser)
    return parser


def _default_command() -> str | None:
    names = {name for name, _ in COMMANDS}
    return "tui" if "tui" in names else None


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    names = {name for name, _ in COMMANDS}
    first = next((a for a in args_list if not a.startswith("-")), None)
    only = first if first in names else None
    if only is None and not args_list and _default_command() is not None:
        only = _default_command()
        args_list = [only] if only else args_list
    parser = build_parser(only)
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(_command_module(args.command).run(args))
    except VpndiagError as exc:
        print(f"vpndiag: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("vpndiag: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
