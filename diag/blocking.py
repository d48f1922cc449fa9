"""Blocking calls (OS tools, the system resolver) from async code, without ever holding up the program's end.

`asyncio.to_thread` uses the loop's default executor, and `asyncio.run()` waits for that executor's threads before
it returns (BaseEventLoop.shutdown_default_executor, without a time limit in Python 3.11). A call the run stopped
waiting for - `getaddrinfo` asking a resolver that never answers takes resolv.conf(5) timeout x attempts x
nameservers, 30 s with three servers and the defaults - would then keep the customer waiting past the time limit.
A daemon thread per call does not: the run returns when its deadline says, and the thread ends with the process.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _settle(future: asyncio.Future[T], result: T | None, error: BaseException | None) -> None:
    if future.done():  # the caller stopped waiting (timeout, cancel)
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)  # type: ignore[arg-type]


async def run_blocking(function: Callable[..., T], *args: object, name: str = "vpndiag-blocking") -> T:
    """`function(*args)` in a daemon thread; cancelling the await abandons the call instead of waiting for it."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def work() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = function(*args)
        except BaseException as exc:  # handed to the awaiting task, which decides
            error = exc
        # The loop may be closed already when an abandoned call ends late: nobody is waiting then.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(_settle, future, result, error)

    threading.Thread(target=work, name=name, daemon=True).start()
    return await future
