"""Running the support server: the web app under uvicorn, the probe responders beside it, on one or more cores.

With `workers` > 1 the listening socket is opened once and shared by that many processes (the parent and forked
children, each with its own event loop, database pool and group commit): Python runs one thread at a time per
process, and uploads are CPU-bound (parsing, validation, the rules). The responders run in the parent only.
Each process has its own upload rate limiter, so a client's limit is up to `workers` times the configured one.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
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
# gc.set_threshold for the server (Python's defaults are 700, 10, 10).
GC_THRESHOLDS = (50_000, 20, 10)


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
    http_sockets = _bind_http(http, max(1, workers))
    http_socket, port = http_sockets[0], http_sockets[0].getsockname()[1]
    children = [_start_worker(settings, http_sockets, n) for n in range(1, max(1, workers))]
    for sock in http_sockets[1:]:
        if sock is not http_socket:
            sock.close()  # the child's now: when a child dies, its socket closes and the kernel stops using it
    shown = f"[{http.host}]" if ":" in http.host else http.host
    print(
        f"vpndiag serve: staff UI at http://{shown}:{port}/staff/ ; uploads to "
        f"http://{shown}:{port}/api/v1/reports ; database {safe_db} ; {max(1, workers)} process(es)",
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


def _bind_http(http: Listen, count: int) -> list[socket.socket]:
    """One listening socket per process. With SO_REUSEPORT (Linux) the kernel spreads new connections evenly over
    them; one shared socket lets whichever process wakes first accept most of them (41 of 50 measured), and its
    clients wait twice as long while the other core idles. Elsewhere the processes share one socket."""
    family = socket.AF_INET6 if ":" in http.host else socket.AF_INET
    # Only Linux balances SO_REUSEPORT sockets; BSD and macOS hand every connection to one of them.
    spread = count > 1 and sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")
    sockets: list[socket.socket] = []
    port = http.port
    try:
        if spread:
            # Sockets with SO_REUSEPORT may join a port that another server of this user listens on with it, and
            # would silently take half its connections: a plain bind first makes a taken port an error.
            with socket.create_server((http.host, port), family=family) as probe:
                port = probe.getsockname()[1]
        for _ in range(count if spread else 1):
            sock = socket.create_server((http.host, port), family=family, backlog=LISTEN_BACKLOG, reuse_port=spread)
            sock.set_inheritable(True)
            sockets.append(sock)
            port = sock.getsockname()[1]  # with port 0, the others join the port the first one got
    except OSError as exc:
        for sock in sockets:
            sock.close()
        raise VpndiagError(
            f"Could not listen on {http.host} port {http.port} ({exc.strerror or exc}); pick another --http "
            "address or stop the program using it."
        ) from exc
    return sockets + [sockets[0]] * (count - len(sockets))


def _start_worker(
    settings: ServerSettings, http_sockets: list[socket.socket], index: int
) -> multiprocessing.process.BaseProcess:
    # fork: the child inherits the listening sockets and needs no pickling; it builds its own app and pool after.
    context = multiprocessing.get_context("fork")
    child = context.Process(target=_worker_main, args=(settings, http_sockets, index), daemon=True)
    child.start()
    return child


def _worker_main(settings: ServerSettings, http_sockets: list[socket.socket], index: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    own = http_sockets[index]
    for sock in http_sockets:
        if sock is not own:
            sock.close()  # another process's: holding it open would keep it receiving connections after that one died
    _run_app(settings, own, None, None)


def _run_app(settings: ServerSettings, http_socket: socket.socket, udp: Listen | None, mss: Listen | None) -> None:
    import uvicorn

    from reports.server.app import create_app

    app = create_app(settings)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    # The app's own objects (routes, schemas, table metadata) live as long as the process: frozen, the cyclic
    # collector no longer walks them, which under load had cost 10% of the CPU and pauses of up to 100 ms. A report
    # is thousands of short-lived objects, so young collections wait for more of them (most are freed by then).
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
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
