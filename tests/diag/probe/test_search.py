"""The pure path-MTU search: exact, loss-tolerant, bounded — proven in microseconds without a network."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diag.probe.search import MIN_MTU_V4, MIN_MTU_V6, Finish, Outcome, PmtuSearch, SearchResult


def simulate(
    search: PmtuSearch,
    true_mtu: int,
    *,
    loss: float = 0.0,
    report: bool = False,
    seed: int = 0,
    max_rounds: int = 50,
) -> SearchResult:
    """A fake path: sizes up to `true_mtu` pass, bigger ones vanish (black hole) or are refused with the MTU."""
    rng = random.Random(seed)
    for _ in range(max_rounds):
        sizes = search.plan_round()
        if not sizes:
            break
        for size in sizes:
            if rng.random() < loss:
                search.record(size, Outcome.lost)
            elif size <= true_mtu:
                search.record(size, Outcome.ok)
            elif report:
                search.record(size, Outcome.too_big, reported_mtu=true_mtu)
            else:
                search.record(size, Outcome.lost)
    return search.result()


def test_black_hole_odd_mtu_found_exactly_in_three_rounds() -> None:
    result = simulate(PmtuSearch(floor=MIN_MTU_V4, ceiling=1500), 1337)
    assert result.pmtu == 1337
    assert result.exact
    assert result.finish is Finish.exact_by_loss
    assert result.rounds == 3
    assert result.probes_sent <= 64


def test_router_report_is_confirmed_in_two_rounds() -> None:
    result = simulate(PmtuSearch(floor=MIN_MTU_V4, ceiling=1500), 1337, report=True)
    assert result.pmtu == 1337
    assert result.finish is Finish.exact_by_report
    assert result.reported_mtu == 1337
    assert result.rounds == 2


def test_everything_fits_stops_at_the_ceiling_in_one_round() -> None:
    result = simulate(PmtuSearch(floor=MIN_MTU_V4, ceiling=1500), 1500)
    assert result.pmtu == 1500
    assert result.finish is Finish.ceiling
    assert result.rounds == 1


def test_first_round_is_the_common_mtu_ladder_below_the_ceiling() -> None:
    sizes = PmtuSearch(floor=MIN_MTU_V6, ceiling=1500).plan_round()
    assert sizes[0] == 1500
    assert {1492, 1480, 1472, 1460, 1450, 1440, 1420, 1400, 1380, 1360, 1280} <= set(sizes)
    assert min(sizes) == MIN_MTU_V6
    assert sizes == sorted(sizes, reverse=True)


def test_lost_boundary_is_retried_before_declared_too_big() -> None:
    search = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, boundary_losses=3)
    search.record(1400, Outcome.ok)
    search.record(1401, Outcome.lost)
    assert not search.done
    assert search.plan_round() == [1401, 1401]
    search.record(1401, Outcome.lost)
    search.record(1401, Outcome.lost)
    assert search.done
    assert search.result().pmtu == 1400


def test_loss_below_an_ok_size_never_lowers_the_answer() -> None:
    search = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, boundary_losses=2)
    search.record(1420, Outcome.ok)
    for _ in range(5):
        search.record(1400, Outcome.lost)  # lost by bad luck, though smaller than a size that passed
    search.record(1421, Outcome.lost)
    search.record(1421, Outcome.lost)
    assert search.result().pmtu == 1420


def test_boundary_that_comes_back_reopens_the_search_above_it() -> None:
    search = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, expected_loss=0.0)
    search.record(1400, Outcome.ok)
    search.record(1401, Outcome.lost)  # unlucky: 1401 actually fits
    search.record(1420, Outcome.lost)
    search.record(1401, Outcome.ok)
    assert not search.done
    assert search.plan_round() == list(range(1419, 1401, -1))


def test_lossy_path_narrows_with_fewer_sizes_and_asks_again_about_the_edge() -> None:
    search = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, expected_loss=0.2)
    search.record(1400, Outcome.ok)
    search.record(1420, Outcome.lost)
    search.record(1440, Outcome.lost)
    sizes = search.plan_round()
    assert 1420 in sizes
    assert 1440 in sizes
    assert len([size for size in sizes if 1400 < size < 1420]) < 19


def test_late_answer_from_an_earlier_round_counts() -> None:
    search = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, boundary_losses=1)
    search.record(1400, Outcome.ok)
    search.record(1401, Outcome.lost)
    assert search.result().pmtu == 1400
    search2 = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, boundary_losses=2)
    search2.record(1400, Outcome.ok)
    search2.record(1401, Outcome.lost)
    search2.record(1401, Outcome.ok)  # the "lost" one arrives after all
    assert search2.largest_ok == 1401


def test_budget_exhausted_gives_up_with_a_lower_bound() -> None:
    search = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, max_probes=10)
    result = simulate(search, 1337)
    assert result.finish is Finish.budget
    assert not result.exact
    assert result.probes_sent <= 10
    assert result.pmtu is None or result.pmtu <= 1337


def test_runner_timeout_gives_up() -> None:
    search = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500)
    search.plan_round()
    search.give_up()
    assert search.done
    assert search.plan_round() == []
    assert search.result().finish is Finish.budget


def test_nothing_passes_means_no_answer() -> None:
    result = simulate(PmtuSearch(floor=MIN_MTU_V6, ceiling=1500), 0)
    assert result.pmtu is None
    assert result.finish is Finish.nothing_passed
    assert not result.exact


def test_bogus_reported_mtu_is_ignored() -> None:
    search = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500)
    search.record(1500, Outcome.too_big, reported_mtu=0)  # pre-RFC 1191 router
    search.record(1492, Outcome.too_big, reported_mtu=1600)
    assert search.reported_mtu is None
    assert search.smallest_too_big == 1492


def test_local_refusal_sets_the_ceiling() -> None:
    search = PmtuSearch(floor=MIN_MTU_V4, ceiling=9000)
    search.record(9000, Outcome.too_big, reported_mtu=1500)
    search.record(1500, Outcome.ok)
    assert search.done
    assert search.result().pmtu == 1500


def test_known_ok_seeds_the_search() -> None:
    search = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, known_ok=84)
    assert search.largest_ok == 84


def test_wide_gap_is_narrowed_within_budget() -> None:
    # Between 68 and 576 there is no common MTU: refinement must still be exact within 64 probes.
    result = simulate(PmtuSearch(floor=MIN_MTU_V4, ceiling=1500), 333)
    assert result.pmtu == 333
    assert result.exact
    assert result.probes_sent <= 64


@settings(max_examples=300, deadline=None)
@given(
    true_mtu=st.integers(min_value=MIN_MTU_V4, max_value=1500),
    loss=st.floats(min_value=0.0, max_value=0.35),
    report=st.booleans(),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_never_above_the_true_mtu(true_mtu: int, loss: float, report: bool, seed: int) -> None:
    result = simulate(PmtuSearch(floor=MIN_MTU_V4, ceiling=1500), true_mtu, loss=loss, report=report, seed=seed)
    assert result.pmtu is None or result.pmtu <= true_mtu
    assert result.probes_sent <= 64


@settings(max_examples=300, deadline=None)
@given(true_mtu=st.integers(min_value=MIN_MTU_V4, max_value=1500), report=st.booleans())
def test_exact_when_loss_free(true_mtu: int, report: bool) -> None:
    result = simulate(PmtuSearch(floor=MIN_MTU_V4, ceiling=1500), true_mtu, report=report)
    assert result.pmtu == true_mtu
    assert result.exact
    assert result.probes_sent <= 64


@pytest.mark.parametrize(("round_trip_loss", "exact_share"), [(0.19, 0.98), (0.30, 0.95)])
def test_mostly_exact_and_never_above_under_heavy_loss(round_trip_loss: float, exact_share: float) -> None:
    # 10 % loss each way is 19 % per round trip. 500 seeded paths with MTUs from 1280 to 1500: the answer is never
    # above the truth, and exact in nearly all (the boundary retries scale with the loss the search observes).
    exact = 0
    for seed in range(500):
        true_mtu = random.Random(seed).randint(MIN_MTU_V6, 1500)
        search = PmtuSearch(floor=MIN_MTU_V6, ceiling=1500)
        result = simulate(search, true_mtu, loss=round_trip_loss, seed=seed)
        assert result.pmtu is None or result.pmtu <= true_mtu
        assert result.probes_sent <= 64
        exact += result.pmtu == true_mtu
    assert exact >= exact_share * 500


def test_echo_loss_raises_the_boundary_retries() -> None:
    clean = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, expected_loss=0.0)
    lossy = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, expected_loss=0.2)
    assert clean.boundary_losses == 3
    assert lossy.boundary_losses >= 6


def test_loss_free_black_hole_takes_three_rounds_for_every_mtu() -> None:
    for true_mtu in range(MIN_MTU_V6, 1501):
        result = simulate(PmtuSearch(floor=MIN_MTU_V6, ceiling=1500, expected_loss=0.0), true_mtu)
        assert (result.pmtu, result.rounds) == (true_mtu, 3 if true_mtu < 1500 else 1)


def test_first_round_is_the_ladder_above_a_known_ok_size() -> None:
    sizes = PmtuSearch(floor=MIN_MTU_V4, ceiling=1500, known_ok=576).plan_round()
    assert sizes[0] == 1500
    assert 1400 in sizes
    assert min(sizes) > 576
