"""The support server as one ASGI app: ingest API, staff API, staff web UI and /healthz."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from importlib import metadata

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from sqlalchemy import Engine
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reports.server import ingest, staff_api, web
from reports.server.accounts import Accounts
from reports.server.batching import IngestBatcher
from reports.server.db import migrate, open_engine
from reports.server.login_throttle import LoginThrottle
from reports.server.ratelimit import RateLimiter
from reports.server.retention import purge_periodically
from reports.server.settings import ServerSettings
from reports.server.store import ReportStore, utcnow

# Staff pages load nothing from elsewhere and run no script: even a missed escape could not run code.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)


class SecurityHeaders:
    """Pure ASGI middleware (no per-request overhead of BaseHTTPMiddleware on the ingest path)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        staff_page = str(scope.get("path", "")).startswith("/staff")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if staff_page:
                    headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
                    headers["X-Frame-Options"] = "DENY"
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _version() -> str:
    try:
        return metadata.version("vpndiag")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def create_app(
    settings: ServerSettings, engine: Engine | None = None, clock: Callable[[], datetime] = utcnow
) -> FastAPI:
    """The app over the database in settings (migrated to the newest schema before the first request).

    `clock` is the wall clock the login throttle counts its window by; tests move their own past the window.
    """
    engine = engine or open_engine(settings.db_url)
    migrate(engine)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        purging = (
            asyncio.create_task(purge_periodically(app.state.store, settings.retention_days))
            if settings.retention_days
            else None
        )
        yield
        if purging is not None:
            purging.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await purging

    app = FastAPI(
        lifespan=lifespan,
        title="vpndiag support server",
        version=_version(),
        description="Receives vpndiag reports from customers and serves them to support staff.",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.store = ReportStore(engine)
    app.state.ingest_batcher = IngestBatcher(app.state.store)
    app.state.accounts = Accounts(engine)
    app.state.login_throttle = LoginThrottle(engine, settings.login_limits, clock)
    app.state.ingest_limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
    app.include_router(ingest.router)
    app.include_router(staff_api.router)
    app.include_router(web.router)
    web.mount_static(app)

    @app.get("/healthz", tags=["health"], summary="Liveness: answers without touching the database")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/staff/reports", status_code=303)

    app.add_middleware(SecurityHeaders)
    return app
