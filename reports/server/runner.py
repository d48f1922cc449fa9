"""Running the support server: the web app under uvicorn, the probe responders beside it, on one or more cores.

With `workers` > 1 the listening socket is opened once and shared by that many processes (the parent and forked
children, each with its own event loop, database pool and group commit): Python runs one thread at a time per
process, and uploads are CPU-bound (parsing, validation, the rules). The responders run in the parent only.
Each process has its own upload rate limiter, so a client's limit is up to `workers` times the configured one.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import signal
import socket
import sys
from dataclasses import dataclass
from typing import Any

from reports.errors import VpndiagError
from reports.server.settings import ServerSettings

# Linux prctl(2) option: a signal for the child when its parent dies, so workers never outlive a killed server.
PR_SET_PDEATHSIG = 1
LISTEN_BACKLOG = 2048


@dataclass(frozen=True)
class Listen:
    host: str
    port: int


def serve_forever(
    settings: ServerSettings,
    http: Listen,
    *,
    workers: int = 1,
    udp: Listen | None = None,
    mss: Listen | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM. Raises VpndiagError (a sentence) when an address can't be used."""
    from reports.server.db import migrate, open_engine

    engine = open_engine(settings.db_url)
    try:
        migrate(engine)  # once, before any worker starts
        safe_db = engine.url.render_as_string(hide_password=True)
    finally:
        engine.dispose()
    http_socket = _bind_http(http)
    children = [_start_worker(settings, http_socket) for _ in range(max(1, workers) - 1)]
    shown = f"[{http.host}]" if ":" in http.host else http.host
    print(
        f"vpndiag serve: staff UI at http://{shown}:{http.port}/staff/ ; uploads to "
        f"http://{shown}:{http.port}/api/v1/reports ; database {safe_db} ; {max(1, workers)} process(es)",
        flush=True,
    )
    try:
        _run_app(settings, http_socket, udp, mss)
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.join(timeout=10)
        http_socket.close()


def _bind_http(http: Listen) -> socket.socket:
    family = socket.AF_INET6 if ":" in http.host else socket.AF_INET
    try:
        sock = socket.create_server((http.host, http.port), family=family, backlog=LISTEN_BACKLOG)
    except OSError as exc:
        raise VpndiagError(
            f"Could not listen on {http.host} port {http.port} ({exc.strerror or exc}); pick another --http "
            "address or stop the program using it."
        ) from exc
    sock.set_inheritable(True)
    return sock


def _start_worker(settings: ServerSettings, http_socket: socket.socket) -> multiprocessing.process.BaseProcess:
    # fork: the child shares the listening socket and needs no pickling; it builds its own app and pool after.
    context = multiprocessing.get_context("fork")
    child = context.Process(target=_worker_main, args=(settings, http_socket), daemon=True)
    child.start()
    return child


def _worker_main(settings: ServerSettings, http_socket: socket.socket) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    _run_app(settings, http_socket, None, None)


def _run_app(settings: ServerSettings, http_socket: socket.socket, udp: Listen | None, mss: Listen | None) -> None:
    import uvicorn

    from reports.server.app import create_app

    app = create_app(settings)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    try:
        # uvicorn's own loop choice (uvloop when installed), with the responders on the same loop.
        with asyncio.Runner(loop_factory=config.get_loop_factory()) as runner:
            runner.run(_serve(uvicorn.Server(config), http_socket, udp, mss))
    finally:
        app.state.engine.dispose()


async def _serve(server: Any, http_socket: socket.socket, udp: Listen | None, mss: Listen | None) -> None:
    from reports.server.mss_reflector import start_mss_reflector
    from reports.server.udp_responder import start_udp_responder

    responders: list[Any] = []
    try:
        if udp is not None:
            handle = await _listen("UDP", udp.port, start_udp_responder(udp.host, udp.port))
            responders.append(handle)
            print(f"vpndiag serve: answering UDP path-MTU probes on port {handle.port}", file=sys.stderr, flush=True)
        if mss is not None:
            reflector = await _listen("TCP", mss.port, start_mss_reflector(mss.host, mss.port))
            responders.append(reflector)
            print(f"vpndiag serve: reflecting TCP MSS on port {reflector.port}", file=sys.stderr, flush=True)
        await server.serve(sockets=[http_socket])
    finally:
        for responder in responders:
            responder.close()


async def _listen(kind: str, port: int, starting: Any) -> Any:
    try:
        return await starting
    except OSError as exc:
        raise VpndiagError(
            f"Could not listen on {kind} port {port} ({exc.strerror or exc}); pick another port or stop "
            "the program using it."
        ) from exc
