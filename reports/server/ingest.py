"""`POST /api/v1/reports`: the upload endpoint the customer's tool (diag/upload) sends reports to.

The body is read by hand rather than by FastAPI so that its size is limited before it is all in memory, gzip is
decompressed with a cap (no gzip bombs), and pydantic validates straight from the bytes.
"""

from __future__ import annotations

import hmac
import zlib

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from reports.model import Report
from reports.server.api_models import IngestAnswer, Problem, ValidationProblem
from reports.server.batching import IngestBatcher
from reports.server.db import DatabaseError
from reports.server.diagnosis import rediagnose_or_none
from reports.server.ratelimit import RateLimiter
from reports.server.rows import prepare_report
from reports.server.settings import ServerSettings

router = APIRouter()
# zlib's wbits for "gzip header and trailer" (zlib manual, inflateInit2).
GZIP_WBITS = 16 + zlib.MAX_WBITS


class BodyRejected(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


async def read_body(request: Request, settings: ServerSettings) -> bytes:
    limit = settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyRejected(413, f"The report is larger than {limit} bytes; send it gzip-compressed.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyRejected(413, f"The report is larger than {limit} bytes; send it gzip-compressed.")
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "gzip":
        return gunzip_limited(body, settings.max_report_bytes)
    if encoding != "identity":
        raise BodyRejected(415, f"Content-Encoding {encoding!r} is not supported; send gzip or no encoding.")
    if len(body) > settings.max_report_bytes:
        raise BodyRejected(413, f"The report is larger than {settings.max_report_bytes} bytes.")
    return body


def gunzip_limited(body: bytes, limit: int) -> bytes:
    decompressor = zlib.decompressobj(GZIP_WBITS)
    try:
        data = decompressor.decompress(body, limit + 1)
    except zlib.error:
        raise BodyRejected(400, "The body says it is gzip but is not valid gzip data.") from None
    if len(data) > limit or decompressor.unconsumed_tail:
        raise BodyRejected(413, f"The report decompresses to more than {limit} bytes.")
    if not decompressor.eof:
        raise BodyRejected(400, "The gzip body is cut short; send the whole report again.")
    return data


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post(
    "/api/v1/reports",
    status_code=201,
    response_model=IngestAnswer,
    tags=["ingest"],
    summary="Upload a report (idempotent by report_id)",
    description="201 when the report is new, 200 with the same reference when this report_id was already stored. "
    "The body may be sent with Content-Encoding: gzip.",
    responses={
        200: {"model": IngestAnswer, "description": "Already stored: the first upload's answer."},
        400: {"model": Problem},
        401: {"model": Problem},
        413: {"model": Problem},
        415: {"model": Problem},
        422: {"model": ValidationProblem, "description": "The body is not a valid report: one entry per field."},
        429: {"model": Problem, "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
        503: {"model": Problem},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}},
        }
    },
)
async def ingest_report(request: Request) -> JSONResponse:
    settings: ServerSettings = request.app.state.settings
    limiter: RateLimiter = request.app.state.ingest_limiter
    wait = limiter.acquire(client_address(request))
    if wait:
        return JSONResponse(
            {"detail": f"Too many uploads from this address; try again in {wait:.0f} seconds."},
            status_code=429,
            headers={"Retry-After": f"{wait:.0f}"},
        )
    if settings.ingest_key is not None:
        given = request.headers.get("x-ingest-key", "")
        if not hmac.compare_digest(given.encode(), settings.ingest_key.encode()):
            return JSONResponse({"detail": "A valid X-Ingest-Key header is needed to upload here."}, status_code=401)
    try:
        body = await read_body(request, settings)
    except BodyRejected as rejected:
        return JSONResponse({"detail": rejected.detail}, status_code=rejected.status)
    try:
        report = Report.model_validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False, include_input=False)
        return JSONResponse({"detail": errors}, status_code=422)
    # The rules and the serialization run here, outside the group commit: a batch then holds the write lock only
    # for its inserts, and no upload waits behind the CPU work of the others in its batch.
    prepared = prepare_report(report, rediagnose_or_none(report), body.decode())
    batcher: IngestBatcher = request.app.state.ingest_batcher
    try:
        stored = await batcher.submit(prepared)
    except DatabaseError as exc:
        return JSONResponse({"detail": str(exc)}, status_code=503)
    except SQLAlchemyError:
        return JSONResponse(
            {"detail": "The report could not be stored right now; send it again later."}, status_code=503
        )
    # Answered directly (the shape is IngestAnswer): skips FastAPI's response validation on the busiest path.
    return JSONResponse(
        {"report_id": str(stored.report_id), "reference": stored.reference},
        status_code=201 if stored.created else 200,
    )
