from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a report saved by `vpndiag run --json PATH` or the wizard")
    parser.add_argument("--format", choices=["json", "html", "md"], default="html", help="output format (default html)")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        help="file to write, or a folder to write vpndiag-<id>.<ext> into (default: stdout)",
    )
    parser.add_argument("--lang", choices=["en", "ja"], help="language of the labels (default: the report's)")
    parser.add_argument(
        "--no-redact", action="store_true", help="keep addresses and names (for your own eyes; redacted by default)"
    )


def run(args: argparse.Namespace) -> int:
    from diag.errors import VpndiagError
    from diag.i18n.export import EXPORT
    from diag.profile import load_profile
    from diag.upload.export import default_file_name, export_report, safe_output_path
    from diag.upload.files import write_atomically
    from diag.upload.redact import keep_from_collection, redact
    from reports.load import load_report

    report = load_report(args.file)
    if not args.no_redact:
        keep, _ = keep_from_collection(load_profile().collection, customer_allows_public_ip=False)
        report = redact(report, keep=keep)
    lang = args.lang or report.lang
    text = export_report(report, args.format, lang=lang)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    target: Path = args.output
    if target.is_dir():
        name = default_file_name(report, args.format)
        try:
            target = safe_output_path(target, name)
        except ValueError:
            raise VpndiagError(EXPORT.text("outside_folder", lang, path=name, folder=args.output)) from None
    try:
        write_atomically(target, text.encode())
    except OSError as exc:
        raise VpndiagError(EXPORT.text("cannot_write", lang, path=target, error=exc)) from None
    print(EXPORT.text("written", lang, path=target), file=sys.stderr)
    return 0
