from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from diag.profile import Profile
    from diag.upload.outbox import Outbox
    from reports.i18n import Lang


def add_arguments(parser: argparse.ArgumentParser) -> None:
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("file", nargs="?", type=Path, help="a report saved by `vpndiag run --json PATH` or the wizard")
    what.add_argument("--pending", action="store_true", help="send the reports waiting in the outbox")
    parser.add_argument("--endpoint", help="support server base URL (default: the provider profile's)")
    parser.add_argument("--profile", type=Path, help="provider profile (default: VPNDIAG_PROFILE or the shipped one)")
    parser.add_argument("--ca-bundle", help="CA bundle (PEM) that signs the support server's certificate")
    parser.add_argument(
        "--include-public-ip", action="store_true", help="keep your public IP address in the report (support asked)"
    )
    parser.add_argument("--outbox", type=Path, help="outbox folder (default: VPNDIAG_DATA_DIR or the user data folder)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds each network step may take (default 10)")
    parser.add_argument("--retries", type=int, default=4, help="extra attempts after a failed one (default 4)")
    parser.add_argument("--lang", choices=["en", "ja"], help="language of the messages")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from diag.errors import UploadError
    from diag.i18n.upload import UPLOAD
    from diag.profile import load_profile
    from diag.upload.client import RetryPolicy
    from diag.upload.outbox import Outbox
    from reports.i18n import detect_lang

    profile = load_profile(args.profile)
    lang: Lang = args.lang or profile.default_language or detect_lang()
    endpoint = args.endpoint or (str(profile.endpoint) if profile.endpoint else None)
    if not endpoint:
        raise UploadError(UPLOAD.text("no_endpoint", lang))
    options: dict[str, Any] = {
        "ca_bundle": args.ca_bundle or (str(profile.ca_bundle) if profile.ca_bundle else None),
        "timeout": args.timeout,
        "ingest_key": profile.ingest_key,
        "retry": RetryPolicy(attempts=max(0, args.retries) + 1),
    }
    outbox = Outbox(args.outbox, lang=lang)
    if args.pending:
        return asyncio.run(_send_pending(outbox, endpoint, options))
    return asyncio.run(_send_file(args.file, args.include_public_ip, profile, outbox, endpoint, options))


async def _send_file(
    file: Path, include_public_ip: bool, profile: Profile, outbox: Outbox, endpoint: str, options: dict[str, Any]
) -> int:
    from diag.i18n.upload import UPLOAD
    from diag.upload.client import UploadUnreachable, upload_report
    from diag.upload.redact import keep_from_collection, redact
    from reports.load import load_report

    report = load_report(file)
    keep, keep_public_ip = keep_from_collection(profile.collection, customer_allows_public_ip=include_public_ip)
    redacted = redact(report, keep=keep, keep_public_ip=keep_public_ip)
    redacted = redacted.model_copy(update={"privacy": redacted.privacy.model_copy(update={"consent": True})})
    if not keep_public_ip and profile.collection.public_ip == "ask":
        print(UPLOAD.text("public_ip_removed", outbox.lang), file=sys.stderr)
    try:
        receipt = await upload_report(redacted, endpoint, lang=outbox.lang, **options)
    except UploadUnreachable as exc:
        path = outbox.add(redacted)
        print(f"vpndiag: {exc}", file=sys.stderr)
        print(UPLOAD.text("queued", outbox.lang, path=path), file=sys.stderr)
        return 1
    print(UPLOAD.text("sent" if receipt.created else "sent_again", outbox.lang, reference=receipt.reference))
    waiting = outbox.pending()
    if waiting:
        print(UPLOAD.text("pending_hint", outbox.lang, count=len(waiting)))
    return 0


async def _send_pending(outbox: Outbox, endpoint: str, options: dict[str, Any]) -> int:
    from diag.i18n.upload import UPLOAD

    results = await outbox.send_pending(endpoint, **options)
    if not results:
        print(UPLOAD.text("pending_none", outbox.lang, path=outbox.path))
        return 0
    failed = 0
    for result in results:
        name = result.path.name
        if result.status == "sent":
            print(UPLOAD.text("pending_sent", outbox.lang, name=name, reference=result.reference))
            continue
        failed += 1
        if result.status == "kept":
            print(UPLOAD.text("pending_kept", outbox.lang, name=name, reason=result.reason), file=sys.stderr)
        else:
            key = "pending_rejected" if result.status == "rejected" else "pending_invalid"
            print(UPLOAD.text(key, outbox.lang, name=name, reason=result.reason, path=result.moved_to), file=sys.stderr)
    return 1 if failed else 0
