"""After a black hole showed up: the largest packet that still fits through the tunnel, found with the probe
branch's path-MTU search (diag/probe/search.py) driven by the watch's DF echoes to the target inside the tunnel."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from diag.probe.search import Outcome as SearchOutcome
from diag.probe.search import PmtuSearch, SearchResult
from diag.watch.echo import Echo, echo
from diag.watch.timeline import Outcome

# The search must not hold up the report for long: a lost probe costs one echo wait, and the search needs three or
# four rounds (diag/probe/search.py), so ten seconds is enough at the watch's one-second wait.
FIT_MAX_TIME_S = 10.0


@dataclass(frozen=True)
class Fit:
    largest: int | None  # largest whole packet that came back through the tunnel; None when none did
    exact: bool
    finish: str
    probes: int


def _search_outcome(outcome: Outcome) -> SearchOutcome:
    if outcome is Outcome.ok:
        return SearchOutcome.ok
    if outcome is Outcome.too_big:
        return SearchOutcome.too_big
    return SearchOutcome.lost  # an error is no answer, as far as the search is concerned


async def largest_fitting_size(
    address: str,
    *,
    floor: int,
    ceiling: int,
    echo_fn: Echo = echo,
    wait_s: float = 1.0,
    max_time_s: float = FIT_MAX_TIME_S,
) -> Fit:
    """The largest DF echo between `floor` (known to pass) and `ceiling` that comes back from `address`."""
    search = PmtuSearch(floor=floor, ceiling=ceiling, known_ok=floor)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max_time_s
    while not search.done and loop.time() + wait_s <= deadline:
        sizes = search.plan_round()
        if not sizes:
            break
        results = await asyncio.gather(*(echo_fn(address, size, dont_fragment=True, wait_s=wait_s) for size in sizes))
        for size, result in zip(sizes, results, strict=True):
            search.record(size, _search_outcome(result.outcome), result.reported_mtu)
    search.give_up()  # no-op when the search finished; marks a timed-out one as not exact
    outcome: SearchResult = search.result()
    return Fit(largest=outcome.pmtu, exact=outcome.exact, finish=outcome.finish.value, probes=outcome.probes_sent)
