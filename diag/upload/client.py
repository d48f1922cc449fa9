"""Sending a report to the support server: `POST {endpoint}/api/v1/reports` (the ingest contract, INTERFACES.md).

The body is the report's JSON, gzip-compressed. A retry never creates a duplicate: the server keys reports by
`report_id` and answers 200 with the same reference for a report it already has. Connection errors, timeouts, 5xx
and 429 are retried with exponential backoff and jitter (429 and 503 wait as long as Retry-After asks, RFC 9110
section 10.2.3); other 4xx are final. TLS is always verified, against a custom CA bundle when the provider runs a
private CA; proxies come from the environment (HTTPS_PROXY, NO_PROXY), httpx's default.
"""

from __future__ import annotations

import functools
import gzip
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from diag import __version__
from diag.errors import UploadError
from diag.i18n.upload import UPLOAD
from reports.i18n import Lang
from reports.model import Report

INGEST_PATH = "/api/v1/reports"


class UploadUnreachable(UploadError):
    """The server could not be reached or was busy: sending later may work, so the report goes to the outbox."""


class UploadRejected(UploadError):
    """The server answered and refused the report: sending the same bytes again will not help."""


@dataclass(frozen=True)
class UploadReceipt:
    report_id: str
    reference: str = ""
    created: bool = True  # False when the server already had this report (a retry after a lost answer)


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Tests shrink the waits; the defaults ride out a server restart or a Wi-Fi reconnect."""

    attempts: int = 5
    initial_wait: float = 0.5
    max_wait: float = 20.0
    jitter: float = 0.5
    # A Retry-After longer than this is not waited for in the foreground: the report goes to the outbox instead.
    max_retry_after: float = 60.0


class _TryAgain(Exception):
    """One attempt failed in a way another attempt may fix."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either delay-seconds or an HTTP-date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _wait(policy: RetryPolicy) -> object:
    backoff = wait_exponential_jitter(multiplier=policy.initial_wait, max=policy.max_wait, jitter=policy.jitter)

    def wait(state: RetryCallState) -> float:
        outcome = state.outcome
        error = outcome.exception() if outcome is not None else None
        if isinstance(error, _TryAgain) and error.retry_after is not None:
            return min(error.retry_after, policy.max_retry_after)
        return float(backoff(state))

    return wait


@functools.lru_cache(maxsize=8)
def _load_ssl_context(ca_bundle: str | None) -> ssl.SSLContext:
    # Loading a CA store costs ~50 ms of CPU; the outbox sends many reports in one process, so load it once.
    return ssl.create_default_context(cafile=ca_bundle)


def _ssl_context(ca_bundle: str | None, lang: Lang) -> ssl.SSLContext:
    try:
        return _load_ssl_context(ca_bundle)
    except (OSError, ssl.SSLError) as exc:
        raise UploadRejected(UPLOAD.text("ca_bundle_unreadable", lang, path=ca_bundle, error=exc)) from None


def _is_tls_failure(error: httpx.TransportError) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ssl.SSLError):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


async def _attempt(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str], policy: RetryPolicy, lang: Lang
) -> UploadReceipt:
    try:
        response = await client.post(url, content=body, headers=headers)
    except httpx.TimeoutException:
        raise _TryAgain(UPLOAD.text("timeout", lang, url=url)) from None
    except httpx.TransportError as exc:
        if _is_tls_failure(exc):
            raise UploadUnreachable(UPLOAD.text("tls_failed", lang, url=url, error=exc)) from None
        raise _TryAgain(UPLOAD.text("unreachable", lang, url=url, error=exc or type(exc).__name__)) from None
    status = response.status_code
    if status in (200, 201):
        try:
            answer = response.json()
            return UploadReceipt(
                report_id=str(answer["report_id"]), reference=str(answer.get("reference", "")), created=status == 201
            )
        except (ValueError, KeyError, TypeError):
            raise UploadRejected(UPLOAD.text("bad_answer", lang, url=url, status=status)) from None
    if status == 429 or status >= 500:
        retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        if retry_after is not None and retry_after > policy.max_retry_after:
            raise UploadUnreachable(UPLOAD.text("busy_later", lang, url=url, seconds=round(retry_after)))
        key = "busy" if status in (429, 503) else "server_error"
        raise _TryAgain(UPLOAD.text(key, lang, url=url, status=status), retry_after)
    if status == 413:
        raise UploadRejected(UPLOAD.text("too_large", lang, size=len(body)))
    if status in (401, 403):
        raise UploadRejected(UPLOAD.text("not_allowed", lang, url=url, status=status))
    if status == 422:
        raise UploadRejected(UPLOAD.text("invalid", lang, detail=_detail(response)))
    raise UploadRejected(UPLOAD.text("refused", lang, url=url, status=status))


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        return response.text[:200]
    if isinstance(detail, list):
        parts = []
        for item in detail[:5]:
            if isinstance(item, dict):
                where = ".".join(str(p) for p in item.get("loc", []))
                parts.append(f"{where}: {item.get('msg', '')}")
            else:
                parts.append(str(item))
        return "; ".join(parts)
    return str(detail)[:200]


def ingest_url(endpoint: str) -> str:
    return endpoint.rstrip("/") + INGEST_PATH


def encode_report(report: Report) -> bytes:
    return gzip.compress(report.model_dump_json().encode(), compresslevel=6)


async def upload_report(
    report: Report,
    endpoint: str,
    *,
    ca_bundle: str | None = None,
    timeout: float = 10,  # noqa: ASYNC109 - httpx's per-step timeout; the attempts bound the total
    ingest_key: str | None = None,
    retry: RetryPolicy | None = None,
    lang: Lang = "en",
    require_redacted: bool = True,
) -> UploadReceipt:
    """Deliver `report`; the receipt carries the reference to tell the customer.

    Raises UploadUnreachable when trying later may help (keep it in the outbox) and UploadRejected when the server
    refused it. `timeout` bounds each network step (connect, send, each read) of each attempt.
    """
    if require_redacted and not report.privacy.redacted:
        raise UploadRejected(UPLOAD.text("not_redacted", lang))
    if not endpoint.startswith(("https://", "http://")):
        raise UploadRejected(UPLOAD.text("bad_endpoint", lang, endpoint=endpoint))
    policy = retry or RetryPolicy()
    url = ingest_url(endpoint)
    body = encode_report(report)
    headers = {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        "Idempotency-Key": str(report.report_id),
        "User-Agent": f"vpndiag/{__version__}",
    }
    if ingest_key:
        headers["X-Ingest-Key"] = ingest_key
    # Also for http:// (a proxy from the environment may speak TLS): httpx would otherwise build a context per client.
    verify = _ssl_context(ca_bundle, lang)
    retrying = AsyncRetrying(
        retry=retry_if_exception_type(_TryAgain),
        stop=stop_after_attempt(max(1, policy.attempts)),
        wait=_wait(policy),  # type: ignore[arg-type]
        reraise=True,
    )
    async with httpx.AsyncClient(timeout=httpx.Timeout(timeout), verify=verify, trust_env=True) as client:
        try:
            async for attempt in retrying:
                with attempt:
                    receipt = await _attempt(client, url, body, headers, policy, lang)
        except _TryAgain as exc:
            raise UploadUnreachable(UPLOAD.text("gave_up", lang, attempts=policy.attempts, reason=exc)) from None
    return receipt
