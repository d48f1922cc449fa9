"""`vpndiag run`: every check, the diagnosis in plain words, findings and fixes; the report written to a file.

Nothing is sent anywhere except the probes themselves unless the customer passes --upload (consent) and the provider
profile names a support server; the report is then redacted first (see `vpndiag upload`).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diag.run import Progress
    from diag.run_options import RunOptions
    from reports.i18n import Lang
    from reports.model import Report

DATA_DIR_ENV = "VPNDIAG_DATA_DIR"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="HOST",
        help="also probe this host (repeatable); one inside the VPN tunnel tests the tunnel itself",
    )
    parser.add_argument("--vpn-server", metavar="HOST", help="the VPN server's address (default: the profile's first)")
    parser.add_argument(
        "--protocol", metavar="P", help="VPN protocol: wireguard, openvpn-udp, ikev2, ... (default: detected)"
    )
    parser.add_argument("--probe-server", metavar="HOST:PORT", help="UDP probe responder, for networks that block ping")
    parser.add_argument("--mss-server", metavar="HOST:PORT", help="MSS reflector of the support server")
    parser.add_argument("--profile", type=Path, help="provider profile (default: VPNDIAG_PROFILE or the shipped one)")
    parser.add_argument(
        "--json", metavar="PATH|-", help="write the report to PATH; '-' prints only the report on stdout"
    )
    sending = parser.add_mutually_exclusive_group()
    sending.add_argument("--no-upload", action="store_true", help="do not send the report (the default)")
    sending.add_argument(
        "--upload",
        action="store_true",
        help="send the redacted report to the profile's support server (your consent); queued when offline",
    )
    parser.add_argument("--lang", choices=["en", "ja"], help="language (default: the profile's, then the OS locale)")
    parser.add_argument(
        "--time-limit", type=float, default=20.0, metavar="S", help="seconds the whole run may take (default 20)"
    )


def _options(args: argparse.Namespace, lang: Lang) -> RunOptions:
    from diag.profile import load_profile
    from diag.run_options import RunOptions

    profile = load_profile(args.profile)
    vpn_server, protocol, targets = args.vpn_server, args.protocol, list(args.target)
    if vpn_server is None and profile.vpn_servers:
        first = profile.vpn_servers[0]
        vpn_server, protocol = first.host, protocol or first.protocol
        if first.tunnel_target and not targets:
            targets.append(first.tunnel_target)
    return RunOptions(
        targets=tuple(targets),
        vpn_server=vpn_server,
        protocol=protocol,
        probe_server=args.probe_server or (profile.probe_servers[0] if profile.probe_servers else None),
        mss_server=args.mss_server or profile.mss_server,
        lang=lang,
        deadline_s=args.time_limit,
    )


def _lang(args: argparse.Namespace) -> Lang:
    from diag.profile import load_profile
    from reports.i18n import detect_lang

    if args.lang:
        chosen: Lang = args.lang
        return chosen
    return load_profile(args.profile).default_language or detect_lang()


class _TerminalProgress:
    """One line per change of a check's state, on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()

    def __call__(self, progress: Progress) -> None:
        if not self.enabled or progress.probe is not None or progress.detail is None:
            return
        print(progress.detail, file=sys.stderr, flush=True)


def default_report_path(report: Report) -> Path:
    import os

    if os.environ.get(DATA_DIR_ENV):
        folder = Path(os.environ[DATA_DIR_ENV]) / "reports"
    else:
        import platformdirs

        folder = platformdirs.user_data_path("vpndiag", appauthor=False) / "reports"
    stamp = report.created_at.strftime("%Y%m%dT%H%M%SZ")
    return folder / f"report-{stamp}-{str(report.report_id)[:8]}.json"


def _write(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from diag.i18n.run import RUN
    from diag.run import run_checks
    from diag.run_text import render_run

    lang = _lang(args)
    options = _options(args, lang)
    report = asyncio.run(run_checks(options, _TerminalProgress()))
    if args.json == "-":
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
        sys.stdout.flush()
        if args.upload:
            # stdout carries only the report: the upload's messages (the reference code) go to stderr.
            path = default_report_path(report)
            _write(report, path)
            with contextlib.redirect_stdout(sys.stderr):
                return _upload(path, args, lang)
        _pending_hint(lang)
        return 0
    path = Path(args.json) if args.json else default_report_path(report)
    _write(report, path)
    print(render_run(report, lang))
    print()
    print(RUN.text("saved", lang, path=path))
    if args.upload:
        return _upload(path, args, lang)
    print(RUN.text("upload_skipped", lang, path=path))
    _pending_hint(lang)
    return 0


def _pending_hint(lang: Lang) -> None:
    """Reports an earlier run could not send wait in the outbox: say so on stderr (stdout may carry the report)."""
    from diag.i18n.upload import UPLOAD
    from diag.upload.outbox import Outbox

    waiting = Outbox(lang=lang).pending()
    if waiting:
        print(UPLOAD.text("pending_hint", lang, count=len(waiting)), file=sys.stderr)


def _upload(path: Path, args: argparse.Namespace, lang: Lang) -> int:
    """Send with exactly what `vpndiag upload FILE` does (redaction, outbox when offline)."""
    from diag.commands import upload as upload_command
    from diag.i18n.run import RUN
    from diag.profile import load_profile

    profile = load_profile(args.profile)
    if profile.endpoint is None:
        print(RUN.text("upload_not_configured", lang))
        return 0
    upload_args = argparse.Namespace(
        file=path,
        pending=False,
        endpoint=None,
        profile=args.profile,
        ca_bundle=None,
        include_public_ip=False,
        outbox=None,
        timeout=10.0,
        retries=4,
        lang=lang,
    )
    status = int(upload_command.run(upload_args))
    # The run itself completed; a report that could not be sent is in the outbox, which the upload step said.
    return 0 if status in (0, 1) else status
