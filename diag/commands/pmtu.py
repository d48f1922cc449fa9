"""`vpndiag pmtu TARGET`: the path MTU in one or two sentences, or one PathResult object with --json.

Start-up matters here (a black hole is found in about a tenth of a second): nothing heavy is imported, not even
the pydantic report model; --json prints the engine's result with the report's field names (tests check it
validates as a PathResult).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType


def _import_asyncio_without_tls() -> ModuleType:
    """asyncio imports the ssl module when it can (about half its import time); path-MTU probing never uses TLS,
    so this process's asyncio is loaded without it. `ssl` stays importable afterwards for anything else."""
    if "asyncio" in sys.modules or "ssl" in sys.modules:
        return importlib.import_module("asyncio")
    sys.modules["ssl"] = None  # type: ignore[assignment]  # makes `import ssl` fail, which asyncio handles
    try:
        return importlib.import_module("asyncio")
    finally:
        del sys.modules["ssl"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", help="host name or IP address to measure the path to (e.g. your VPN server)")
    parser.add_argument(
        "--method",
        choices=["auto", "icmp", "udp"],
        default="auto",
        help="auto: ICMP, falling back to UDP when echo is blocked and a probe server is given (default)",
    )
    parser.add_argument("--probe-server", metavar="HOST:PORT", help="the provider's UDP probe responder")
    parser.add_argument("--json", action="store_true", help="print exactly one path-result object (JSON)")
    family = parser.add_mutually_exclusive_group()
    family.add_argument("-4", dest="family", action="store_const", const=4, help="IPv4 only")
    family.add_argument("-6", dest="family", action="store_const", const=6, help="IPv6 only")
    parser.add_argument("--max-probes", type=int, default=64, metavar="N", help="probe budget (default 64)")
    parser.add_argument("--max-time", type=float, default=5.0, metavar="S", help="time budget in seconds (default 5)")
    parser.add_argument("--lang", choices=["en", "ja"], help="language of the answer (default: from the locale)")


def run(args: argparse.Namespace) -> int:
    import json

    asyncio = _import_asyncio_without_tls()

    from diag.errors import ProbeError
    from diag.probe.engine import measure
    from reports.i18n import detect_lang

    lang = args.lang or detect_lang()
    if args.max_probes < 1 or args.max_time <= 0:
        from diag.i18n.probe import PROBE

        raise ProbeError(PROBE.text("error_limits", lang))
    result = asyncio.run(
        measure(
            args.target,
            family=args.family,
            method=args.method,
            probe_server=args.probe_server,
            max_probes=args.max_probes,
            max_time=args.max_time,
            lang=lang,
        )
    )
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False))
    else:
        from diag.probe.answer import answer_lines

        print("\n".join(answer_lines(result, lang)))
    return 0 if result.pmtu is not None else 1
