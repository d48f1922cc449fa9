"""The outbox: reports that could not be sent yet, kept until `vpndiag upload --pending` delivers them.

One file per report, named by its report_id, in the user data folder (platformdirs; VPNDIAG_DATA_DIR overrides it).
Nothing is lost: a file is written to a temporary name, flushed to disk and renamed over the final name, so a crash
leaves either the old file or the new one, never half of one; a sent report is deleted only after the server
confirmed it; one the server refused is moved to rejected/ rather than deleted. Nothing is sent twice: sending holds
an exclusive lock on the outbox (flock on POSIX, msvcrt.locking on Windows), so two vpndiag runs never send the same
file, and the server keys reports by report_id, so even a confirmation lost on the way does not make a duplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

from diag.errors import ReportInvalid, UploadError
from diag.i18n.upload import UPLOAD
from diag.upload.client import UploadReceipt, UploadRejected, UploadUnreachable, upload_report
from diag.upload.files import fsync_dir, write_atomically
from reports.i18n import Lang
from reports.load import load_report
from reports.model import Report

DATA_DIR_ENV = "VPNDIAG_DATA_DIR"
_LOCK_NAME = ".lock"
# How long a second `--pending` waits for the first to finish before it says so: sending one report with retries
# takes well under this.
DEFAULT_LOCK_WAIT = 30.0
_LOCK_POLL = 0.05


def default_outbox_path(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    if env.get(DATA_DIR_ENV):
        return Path(env[DATA_DIR_ENV]) / "outbox"
    import platformdirs  # only when needed: `vpndiag pmtu` should not pay for it

    return platformdirs.user_data_path("vpndiag", appauthor=False) / "outbox"


@dataclass(frozen=True)
class PendingResult:
    """What became of one outbox file in `send_pending`."""

    path: Path
    status: Literal["sent", "kept", "rejected", "invalid"]
    reference: str | None = None
    reason: str | None = None
    moved_to: Path | None = None


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)  # msvcrt locks bytes from the current position; always the first one
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    if sys.platform == "win32":
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


class Outbox:
    """Reports waiting to be sent. `path` is the folder (created on first write)."""

    def __init__(self, path: Path | None = None, *, lang: Lang = "en") -> None:
        self.path = path if path is not None else default_outbox_path()
        self.lang = lang

    def _ensure(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise UploadError(UPLOAD.text("outbox_unwritable", self.lang, path=self.path, error=exc)) from None

    def add(self, report: Report) -> Path:
        """Keep `report`; adding the same report again replaces the earlier copy (same report_id, same file)."""
        self._ensure()
        target = self.path / f"{report.report_id}.json"
        try:
            write_atomically(target, report.model_dump_json(indent=2).encode())
        except OSError as exc:
            raise UploadError(UPLOAD.text("outbox_unwritable", self.lang, path=self.path, error=exc)) from None
        return target

    def pending(self) -> list[Path]:
        """The waiting reports, oldest first."""
        if not self.path.is_dir():
            return []
        files = [p for p in self.path.glob("*.json") if p.is_file() and not p.name.startswith(".")]
        return sorted(files, key=lambda p: (p.stat().st_mtime, p.name))

    def _open_lock_file(self) -> IO[bytes]:
        self._ensure()
        return open(self.path / _LOCK_NAME, "a+b")

    def _forget(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        fsync_dir(self.path)

    @contextlib.asynccontextmanager
    async def locked(self, wait: float = DEFAULT_LOCK_WAIT) -> AsyncIterator[None]:
        """Exclusive use of the outbox across processes; UploadError when another run keeps it longer than `wait`."""
        handle = self._open_lock_file()
        try:
            deadline = time.monotonic() + wait
            while not _try_lock(handle):
                if time.monotonic() >= deadline:
                    raise UploadError(UPLOAD.text("outbox_busy", self.lang, path=self.path))
                await asyncio.sleep(_LOCK_POLL)
            try:
                yield
            finally:
                _unlock(handle)
        finally:
            handle.close()

    def _move_aside(self, path: Path, folder: str) -> Path:
        aside = self.path / folder
        aside.mkdir(exist_ok=True, mode=0o700)
        target = aside / path.name
        os.replace(path, target)
        return target

    async def send_pending(
        self,
        endpoint: str,
        *,
        lock_wait: float = DEFAULT_LOCK_WAIT,
        send: Callable[[Report], Awaitable[UploadReceipt]] | None = None,
        **upload_options: Any,
    ) -> list[PendingResult]:
        """Send every waiting report once; `upload_options` go to upload_report (ca_bundle, retry, timeout ...)."""

        async def default_send(report: Report) -> UploadReceipt:
            return await upload_report(report, endpoint, lang=self.lang, **upload_options)

        deliver = send or default_send
        results: list[PendingResult] = []
        async with self.locked(lock_wait):
            # Listed under the lock: a file another run sent and deleted meanwhile is not listed again.
            for path in self.pending():
                results.append(await self._send_one(path, deliver))
        return results

    async def _send_one(self, path: Path, deliver: Callable[[Report], Awaitable[UploadReceipt]]) -> PendingResult:
        try:
            report = load_report(path)
        except ReportInvalid as exc:
            return PendingResult(path, "invalid", reason=str(exc), moved_to=self._move_aside(path, "invalid"))
        try:
            receipt = await deliver(report)
        except UploadRejected as exc:
            return PendingResult(path, "rejected", reason=str(exc), moved_to=self._move_aside(path, "rejected"))
        except UploadUnreachable as exc:
            return PendingResult(path, "kept", reason=str(exc))
        self._forget(path)
        return PendingResult(path, "sent", reference=receipt.reference)
