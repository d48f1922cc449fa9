"""The path-MTU search as a plain state machine (sans-I/O, like h11): no sockets, no clock.

It is fed what became of each probe — "size S came back", "S was lost", "S is too big (the router said MTU M)" —
and asked for the next round: a list of sizes to send at once, or nothing when it is done. ICMP, UDP and the
system ping all drive the same search, and every strategy below is unit-tested in microseconds.

Strategy:
- Round 1 is a parallel ladder: the largest size the interface can send plus the common MTUs below it.
- When a router reports its next-hop MTU (frag-needed / packet-too-big, RFC 1191 §4, RFC 4443 §3.2), every size
  above it is known to be too big; the reported MTU is probed next to confirm it (about one RTT, like tracepath).
- Otherwise the gap between the largest size that came back and the smallest one lost above it is refined in
  parallel, up to `per_round` sizes at once, until exact to the byte.
- Loss tolerance: only a size that came back ever sets the answer, so a lost probe can never lower it below a size
  that got through; a size is declared too big only when a router said so, or when it was lost `boundary_losses`
  times while the size just below it came back (the boundary is retried before it is declared too big, RFC 8899
  §5.1.2 MAX_PROBES uses the same idea).
- Bounded: never more than `max_probes` probes; the result says when the search gave up before it was exact.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

# Common path MTUs, largest first: Ethernet 1500, PPPoE 1492 (RFC 2516), DS-Lite/MAP-E 1460 (RFC 6333),
# WireGuard's 1420 and 1440/1380/1360 tunnels, 1454 (NTT FLET'S PPPoE), IPv6 minimum 1280 (RFC 8200 §5),
# 576 every IPv4 host accepts (RFC 791). FACTS.md "Tunnel overhead" and "Path MTU discovery".
COMMON_MTUS: tuple[int, ...] = (
    9000,
    4352,
    1500,
    1492,
    1480,
    1472,
    1460,
    1454,
    1450,
    1440,
    1420,
    1400,
    1380,
    1360,
    1340,
    1320,
    1300,
    1280,
    1200,
    1024,
    576,
)

# IPv4 minimum every link must carry (RFC 791); IPv6 minimum link MTU (RFC 8200 §5).
MIN_MTU_V4 = 68
MIN_MTU_V6 = 1280

# A size just above the largest one that came back is declared too big once it was lost so often that a size that
# fits would be lost that many times in a row with probability below BOUNDARY_ERROR, at the loss ratio this path
# shows (losses among sizes known to fit, plus a prior of PRIOR_LOST in PRIOR_PROBES, or the echo check's loss).
# Loss-free: three losses (two retries, sent together in one round); 10 % loss each way (19 % per round trip):
# six. The constants were tuned with the seeded simulator in tests/diag/probe/test_search.py: loss-free always exact
# in 3 rounds; at 19 % round-trip loss exact in 99.6 % of 1000 runs, never above the true MTU, <= 64 probes.
BOUNDARY_ERROR = 1e-4
PRIOR_LOST = 1.0
PRIOR_PROBES = 15.0
MIN_BOUNDARY_LOSSES = 3
MAX_BOUNDARY_LOSSES = 8
# Sizes sent in one round: enough to cover the 20-byte gaps of the ladder in one go, small enough that a round
# stays well under the 64-probe budget.
DEFAULT_PER_ROUND = 24
DEFAULT_MAX_PROBES = 64
# On a lossy path every lost probe in a gap is a false edge that costs a retry, so gaps are narrowed with fewer
# sizes per round (more rounds, fewer probes): measured with the simulator in tests/diag/probe/test_search.py.
LOSSY_PATH = 0.07
LOSSY_PER_ROUND = 6
LOSSY_BOUNDARY_BATCH = 2


class Outcome(StrEnum):
    ok = "ok"
    lost = "lost"
    too_big = "too_big"


class Finish(StrEnum):
    """Why the search stopped."""

    exact_by_report = "exact_by_report"  # a router's reported MTU, confirmed by a probe
    exact_by_too_big = "exact_by_too_big"  # the next size up was refused as too big (ICMP or local)
    exact_by_loss = "exact_by_loss"  # the next size up vanished every time: a black hole
    ceiling = "ceiling"  # everything up to the largest size this host can send came back
    nothing_passed = "nothing_passed"  # not even the smallest size came back
    budget = "budget"  # out of probes (or the runner's time) before it was exact


@dataclass(frozen=True)
class SearchResult:
    pmtu: int | None  # largest size that came back; None when none did
    exact: bool
    finish: Finish
    reported_mtu: int | None  # smallest plausible next-hop MTU a router reported
    too_big_seen: bool  # some probe was refused as too big (router ICMP or the local interface)
    probes_sent: int
    rounds: int


class PmtuSearch:
    """Feed it probe outcomes, ask it for rounds. Sizes are whole IP packets in bytes."""

    def __init__(
        self,
        *,
        floor: int,
        ceiling: int,
        max_probes: int = DEFAULT_MAX_PROBES,
        boundary_losses: int | None = None,
        per_round: int = DEFAULT_PER_ROUND,
        ladder: tuple[int, ...] = COMMON_MTUS,
        known_ok: int | None = None,
        expected_loss: float | None = None,
    ) -> None:
        if not 0 < floor <= ceiling:
            raise ValueError(f"need 0 < floor <= ceiling, got {floor}, {ceiling}")
        self.floor = floor
        self.ceiling = ceiling
        self.max_probes = max_probes
        self.fixed_boundary_losses = boundary_losses
        # The echo check's loss ratio, when there was one, replaces the prior guess of the path's loss.
        self.prior_lost = PRIOR_LOST if expected_loss is None else max(0.0, min(0.9, expected_loss)) * PRIOR_PROBES
        self.per_round = max(2, per_round)
        self.ladder = tuple(sorted({ceiling, floor, *(m for m in ladder if floor < m < ceiling)}, reverse=True))
        self.largest_ok: int | None = known_ok if known_ok is not None and floor <= known_ok <= ceiling else None
        self.smallest_too_big = ceiling + 1  # certain: a router or the local stack refused this size
        self.reported_mtu: int | None = None
        self.too_big_seen = False
        self.losses: Counter[int] = Counter()
        self.oks: Counter[int] = Counter()
        self.probed: set[int] = set()
        self.probes_sent = 0
        self.rounds = 0
        self._finish: Finish | None = None
        self._update()

    # Feeding outcomes.
    def record(self, size: int, outcome: Outcome, reported_mtu: int | None = None) -> None:
        """What became of one probe of `size` bytes; late answers from earlier rounds are welcome any time."""
        if outcome is Outcome.ok:
            self.oks[size] += 1
            if self.largest_ok is None or size > self.largest_ok:
                self.largest_ok = size
            if self.smallest_too_big <= size:  # the path changed under us: the refusal no longer holds
                self.smallest_too_big = self.ceiling + 1
        elif outcome is Outcome.too_big:
            self.too_big_seen = True
            self.smallest_too_big = min(self.smallest_too_big, size)
            # A next-hop MTU below the refused size is a real hint (RFC 1191 §4); 0 (pre-RFC 1191 routers) or
            # a value at or above the size is not, and is ignored.
            if reported_mtu is not None and self.floor <= reported_mtu < size:
                self.reported_mtu = reported_mtu if self.reported_mtu is None else min(self.reported_mtu, reported_mtu)
                self.smallest_too_big = min(self.smallest_too_big, reported_mtu + 1)
        else:
            self.losses[size] += 1
        self._update()

    # Asking what to do.
    @property
    def done(self) -> bool:
        return self._finish is not None

    def plan_round(self) -> list[int]:
        """The sizes to send now, all at once (a size may repeat); [] when done or out of probes."""
        if self._finish is not None:
            return []
        budget = self.max_probes - self.probes_sent
        if budget <= 0:
            self._finish = Finish.budget
            return []
        sizes = self._choose()[:budget]
        if not sizes:
            self._finish = Finish.budget
            return []
        self.rounds += 1
        self.probes_sent += len(sizes)
        self.probed.update(sizes)
        return sizes

    def give_up(self) -> None:
        """The runner ran out of time: stop where we are."""
        if self._finish is None:
            self._finish = Finish.budget

    def result(self) -> SearchResult:
        finish = self._finish or Finish.budget
        exact = finish not in (Finish.budget, Finish.nothing_passed)
        return SearchResult(
            pmtu=self.largest_ok,
            exact=exact,
            finish=finish,
            reported_mtu=self.reported_mtu,
            too_big_seen=self.too_big_seen,
            probes_sent=self.probes_sent,
            rounds=self.rounds,
        )

    # The strategy.
    def loss_ratio(self) -> float:
        """Loss among probes of sizes known to fit (at or below the largest ok), with a small prior."""
        ok = self.largest_ok if self.largest_ok is not None else self.floor - 1
        lost = sum(count for size, count in self.losses.items() if size <= ok)
        passed = sum(self.oks.values())
        return max(1e-3, (lost + self.prior_lost) / (lost + passed + PRIOR_PROBES))

    @property
    def boundary_losses(self) -> int:
        """Losses of the size above the largest ok that make it 'too big' (see BOUNDARY_ERROR)."""
        if self.fixed_boundary_losses is not None:
            return max(1, self.fixed_boundary_losses)
        needed = math.ceil(math.log(BOUNDARY_ERROR) / math.log(self.loss_ratio()))
        return max(MIN_BOUNDARY_LOSSES, min(MAX_BOUNDARY_LOSSES, needed))

    def _upper(self) -> int:
        """The smallest size above the largest ok that is known or suspected to be too big."""
        low = self.largest_ok if self.largest_ok is not None else self.floor - 1
        lost_above = [size for size in self.losses if size > low]
        return min([self.smallest_too_big, *lost_above])

    def _update(self) -> None:
        if self._finish is not None:
            return
        ok = self.largest_ok
        if ok is not None and ok >= self.ceiling:
            self._finish = Finish.ceiling
        elif ok is not None and ok + 1 >= self.smallest_too_big:
            confirmed_report = self.reported_mtu is not None and ok == self.reported_mtu
            self._finish = Finish.exact_by_report if confirmed_report else Finish.exact_by_too_big
        elif ok is not None and self.losses[ok + 1] >= self.boundary_losses:
            self._finish = Finish.exact_by_loss
        elif ok is None and (self.smallest_too_big <= self.floor or self.losses[self.floor] >= MAX_BOUNDARY_LOSSES):
            # Nothing came back at all: no loss ratio to go by, so the smallest size gets every retry.
            self._finish = Finish.nothing_passed

    def _choose(self) -> list[int]:
        low = self.largest_ok if self.largest_ok is not None else self.floor - 1
        upper = self._upper()
        if self.rounds == 0 and not (self.oks or self.losses or self.too_big_seen):
            return [size for size in self.ladder if low < size < self.smallest_too_big]
        # A router's report not yet tried: confirm it first (often the answer in one more round trip).
        if self.reported_mtu is not None and low < self.reported_mtu < upper and self.reported_mtu not in self.probed:
            return [self.reported_mtu, *self._spread(low, self.reported_mtu, self.per_round - 1)]
        if upper == low + 1:
            # The boundary: retry it before declaring it too big; all retries go out together.
            needed = (self.boundary_losses if self.largest_ok is not None else MAX_BOUNDARY_LOSSES) - self.losses[upper]
            if self.loss_ratio() > LOSSY_PATH:
                # On a lossy path the boundary often fits after all: ask a few at a time, not all at once.
                needed = min(needed, LOSSY_BOUNDARY_BATCH)
            return [upper] * max(1, needed)
        sizes = self._spread(low, upper, self._refine_count(upper - low - 1))
        if self.loss_ratio() > LOSSY_PATH:
            # On a lossy path the edge itself may be a size that fits and was unlucky: ask again about it and the
            # next lost size above, so a wrong gap costs one round, not a whole refinement.
            above = sorted(size for size in self.losses if size > upper)[:1]
            sizes += [size for size in (upper, *above) if size < self.smallest_too_big]
        return sizes

    def _refine_count(self, gap: int) -> int:
        """How many sizes to try in a gap: the whole gap when it fits in a round; for a gap too wide to finish in
        two rounds (far below the common MTUs) fewer, more rounds, so the probe budget still reaches the byte."""
        spare = self.max_probes - self.probes_sent - (self.boundary_losses - 1)
        count = self.per_round
        if self.loss_ratio() > LOSSY_PATH:
            count = LOSSY_PER_ROUND
        if gap > self.per_round * self.per_round // 2:
            count = max(2, round(gap ** (1 / 3)))
        return max(1, min(count, spare))

    def _spread(self, low: int, upper: int, count: int) -> list[int]:
        """Up to `count` sizes strictly between low and upper: all of them when they fit, else evenly spread
        (common MTUs in the gap first, since real paths tend to sit on them)."""
        gap = list(range(max(low + 1, self.floor), upper))
        if count <= 0 or not gap:
            return []
        if len(gap) <= count:
            return gap[::-1]
        chosen = [m for m in self.ladder if low < m < upper][: count // 3]
        step = len(gap) / (count - len(chosen) + 1)
        index = step
        while len(chosen) < count and index < len(gap):
            size = gap[int(index)]
            if size not in chosen:
                chosen.append(size)
            index += step
        return sorted(set(chosen), reverse=True)
