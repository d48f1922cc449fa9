"""A blocking call the run stopped waiting for never holds up the program's end (diag/blocking.py)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
import time

import pytest

from diag.blocking import run_blocking
from tests.conftest import ROOT


async def test_result_and_error_come_back() -> None:
    assert await run_blocking(sum, [1, 2, 3]) == 6
    with pytest.raises(ZeroDivisionError):
        await run_blocking(lambda: 1 / 0)


def test_an_abandoned_call_does_not_keep_the_program_waiting() -> None:
    # asyncio.to_thread here would keep asyncio.run() waiting the full 30 s for its executor's thread.
    script = textwrap.dedent(
        """
        import asyncio, time
        from diag.blocking import run_blocking

        async def main():
            try:
                await asyncio.wait_for(run_blocking(time.sleep, 30), 0.2)
            except TimeoutError:
                print("gave up")

        asyncio.run(main())
        """
    )
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "gave up"
    assert time.monotonic() - began < 10


async def test_cancelling_leaves_the_thread_and_returns_at_once() -> None:
    task = asyncio.ensure_future(run_blocking(time.sleep, 2))
    await asyncio.sleep(0.05)
    task.cancel()
    began = time.monotonic()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert time.monotonic() - began < 0.5
