from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--indent", type=int, default=2, help="JSON indentation (default 2)")


def run(args: argparse.Namespace) -> int:
    from reports.model import report_json_schema

    print(json.dumps(report_json_schema(), indent=args.indent, ensure_ascii=False))
    return 0
