"""The runner side of a probe round on a datagram socket (ICMP echo or UDP): send many sizes at once, collect what
comes back — replies, routers' too-big errors from the Linux error queue, local EMSGSIZE — until every probe of the
round is answered or the round's timeout passes. Probes still unanswered then are lost; an answer arriving later
is still delivered (marked late), so a slow reply can never make the answer smaller.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import errno
import random
import socket
import time
from dataclasses import dataclass

from diag.probe.search import Outcome
from diag.probe.sockopts import MSG_ERRQUEUE, Family, QueuedError, parse_error_queue_message, path_mtu

# Errors that mean "this destination can't be reached from here", not "this size is too big".
_UNREACHABLE_ERRNOS = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNREFUSED, errno.EADDRNOTAVAIL})
# One readiness callback never loops forever, even if a flood arrives.
_MAX_READS_PER_WAKEUP = 512


@dataclass(frozen=True)
class ProbeReply:
    """What became of one probe."""

    sequence: int
    size: int
    outcome: Outcome
    round: int
    reported_mtu: int | None = None
    rtt_ms: float | None = None
    from_router: bool = False  # a too-big reported by a router's ICMP (not the local stack)
    unreachable: bool = False  # an ICMP destination-unreachable or a local routing error
    late: bool = False  # answered after its round had counted it lost


@dataclass
class _Sent:
    size: int
    round: int
    sent_at: float
    counted_lost: bool = False
    resolved: bool = False


class DatagramProber(abc.ABC):
    """Round mechanics shared by the ICMP and UDP probers; subclasses say how to send and what an answer is."""

    uses_error_queue = True  # Linux IP_RECVERR; the subclass clears it where unavailable

    def __init__(self, sock: socket.socket, family: Family) -> None:
        self.sock = sock
        self.family = family
        sock.setblocking(False)
        self._pending: dict[int, _Sent] = {}
        self._results: list[ProbeReply] = []
        self._wakeup = asyncio.Event()
        self._next_sequence = random.randrange(0x10000)  # noqa: S311 - not a secret, just not always 0
        self._reader_installed = False
        self.unreachable_seen = False

    # Subclass hooks.
    @abc.abstractmethod
    def _send(self, sequence: int, size: int) -> None: ...

    @abc.abstractmethod
    def _match_reply(self, data: bytes) -> int | None:
        """The sequence number a received datagram answers, or None when it isn't ours."""

    @abc.abstractmethod
    def _match_quoted(self, payload: bytes) -> int | None:
        """The sequence number of our probe quoted in an error-queue entry, or None."""

    def _sequence_bits(self) -> int:
        return 16

    # Rounds.
    async def probe_round(self, sizes: list[int], round_number: int, wait_s: float) -> list[ProbeReply]:
        """Send `sizes` at once; return every answer (and the losses) known when the round ends."""
        self._install_reader()
        deadline = time.perf_counter() + wait_s  # the round's clock starts with its first probe
        in_round: list[int] = []
        for size in sizes:
            sequence = self._next_sequence
            self._next_sequence = (self._next_sequence + 1) % (1 << self._sequence_bits())
            self._pending[sequence] = _Sent(size=size, round=round_number, sent_at=time.perf_counter())
            in_round.append(sequence)
            self._send_one(sequence, size)
        while not all(self._pending[s].resolved for s in in_round):
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                break
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except TimeoutError:
                break
        # Whatever is already in the socket buffers counts for this round, even if the loop was busy.
        self._read_everything()
        for sequence in in_round:
            sent = self._pending[sequence]
            if not sent.resolved and not sent.counted_lost:
                sent.counted_lost = True
                self._results.append(ProbeReply(sequence, sent.size, Outcome.lost, sent.round))
        results, self._results = self._results, []
        return results

    def close(self) -> None:
        if self._reader_installed:
            with contextlib.suppress(RuntimeError, ValueError):
                asyncio.get_running_loop().remove_reader(self.sock.fileno())
            self._reader_installed = False
        self.sock.close()

    # Internals.
    def _install_reader(self) -> None:
        if not self._reader_installed:
            asyncio.get_running_loop().add_reader(self.sock.fileno(), self._on_readable)
            self._reader_installed = True

    def _on_readable(self) -> None:
        if self._read_everything():
            self._wakeup.set()

    def _send_one(self, sequence: int, size: int) -> None:
        try:
            self._send_clearing_stale_error(sequence, size)
        except BlockingIOError:
            pass  # the send buffer is full: the probe stays pending and counts as lost
        except OSError as exc:
            if exc.errno == errno.EMSGSIZE:
                # Bigger than the local interface allows (IP_PMTUDISC_PROBE ignores only the route cache).
                self._read_everything()
                local_mtu = path_mtu(self.sock, self.family)
                mtu = local_mtu if local_mtu and local_mtu < size else None
                self._resolve(sequence, Outcome.too_big, reported_mtu=mtu)
            elif exc.errno in _UNREACHABLE_ERRNOS:
                self.unreachable_seen = True
                self._resolve(sequence, Outcome.lost, unreachable=True)
            elif exc.errno != errno.ENOBUFS:
                raise

    def _send_clearing_stale_error(self, sequence: int, size: int) -> None:
        """Linux hands a socket's pending error (set by the ICMP error about an earlier probe) to the next send
        instead of sending it (sock_alloc_send_skb), so a fitting probe would seem refused. That hand-over clears
        the error: one more try tells a stale error from a real one, which comes back every time."""
        try:
            self._send(sequence, size)
        except BlockingIOError:
            raise
        except OSError as exc:
            if exc.errno != errno.EMSGSIZE and exc.errno not in _UNREACHABLE_ERRNOS:
                raise
            self._send(sequence, size)

    def _resolve(
        self,
        sequence: int,
        outcome: Outcome,
        *,
        reported_mtu: int | None = None,
        from_router: bool = False,
        unreachable: bool = False,
    ) -> bool:
        sent = self._pending.get(sequence)
        if sent is None or sent.resolved:
            return False
        if sent.counted_lost and outcome is Outcome.lost:
            return False  # already reported lost; only a real answer changes that
        sent.resolved = True
        rtt_ms = (time.perf_counter() - sent.sent_at) * 1000 if outcome is Outcome.ok else None
        self._results.append(
            ProbeReply(
                sequence,
                sent.size,
                outcome,
                sent.round,
                reported_mtu=reported_mtu,
                rtt_ms=rtt_ms,
                from_router=from_router,
                unreachable=unreachable,
                late=sent.counted_lost,
            )
        )
        return True

    def _refuse_larger_than(self, mtu: int) -> bool:
        progressed = False
        for sequence, sent in list(self._pending.items()):
            if not sent.resolved and sent.size > mtu:
                progressed |= self._resolve(sequence, Outcome.too_big, reported_mtu=mtu, from_router=True)
        return progressed

    def _read_everything(self) -> bool:
        """Drain the error queue and the receive queue; True when some probe got its answer."""
        progressed = False
        for _ in range(_MAX_READS_PER_WAKEUP):
            queued = self._read_error_queue()
            if queued is None:
                break
            progressed |= self._on_queued_error(queued)
        for _ in range(_MAX_READS_PER_WAKEUP):
            try:
                data = self.sock.recv(65535)
            except BlockingIOError:
                break
            except OSError as exc:
                # A pending socket error (the kernel also flags the ICMP error it queued): consumed, go on.
                if exc.errno in _UNREACHABLE_ERRNOS:
                    self.unreachable_seen = True
                continue
            sequence = self._match_reply(data)
            if sequence is not None:
                progressed |= self._resolve(sequence, Outcome.ok)
        return progressed

    def _read_error_queue(self) -> QueuedError | None:
        if not self.uses_error_queue:
            return None
        while True:
            try:
                payload, ancillary, _flags, _address = self.sock.recvmsg(2048, 1024, MSG_ERRQUEUE)
            except (BlockingIOError, InterruptedError):
                return None
            except OSError:
                return None
            queued = parse_error_queue_message(payload, ancillary)
            if queued is not None:
                return queued

    def _on_queued_error(self, queued: QueuedError) -> bool:
        sequence = self._match_quoted(queued.payload)
        if sequence is None:
            if queued.is_too_big(self.family) and queued.from_router and queued.info > 0:
                # Routers may quote only 8 bytes of our datagram (RFC 792), too little to tell which probe it was.
                # The next-hop MTU still holds for every probe in flight: anything larger cannot pass that router.
                return self._refuse_larger_than(queued.info)
            return False
        if queued.is_too_big(self.family):
            sent = self._pending.get(sequence)
            mtu = queued.info if sent is not None and 0 < queued.info < sent.size else None
            return self._resolve(sequence, Outcome.too_big, reported_mtu=mtu, from_router=queued.from_router)
        if queued.is_unreachable(self.family):
            self.unreachable_seen = True
            return self._resolve(sequence, Outcome.lost, unreachable=True)
        return False
