from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="a report saved by `vpndiag run --json PATH` or the wizard")
    parser.add_argument("--lang", choices=["en", "ja"], help="language of the labels (default: the report's)")


def run(args: argparse.Namespace) -> int:
    from diag.summary import render_text
    from reports.load import load_report

    report = load_report(args.file)
    print(render_text(report, args.lang or report.lang))
    return 0
