"""pair_rounds: a pair against the one-worker runs on both sides of it."""

from tests.bench.pair_rounds import PairRounds, Run


def test_a_pair_is_compared_with_the_mean_of_the_one_worker_runs_around_it():
    rounds = PairRounds()
    rounds.ones[0] = Run((3.0,), (2.0,))
    rounds.ones[1] = Run((3.4,), (2.2,))
    rounds.pairs[0] = Run((1.6, 1.5), (1.0, 1.3))
    figures = rounds.round_figures(0)
    assert figures["bracketed_by"] == 2
    assert figures["speedup_bracketed"] == round(3.2 / 1.6, 2)
    assert figures["pair_cpu_vs_one_bracketed"] == round(3.1 / 3.2, 2)
    assert figures["classify_vs_one_bracketed"] == round(2.3 / 2.1, 2)
    assert figures["rest_vs_one_bracketed"] == round(0.8 / 1.1, 2)


def test_a_pair_without_a_closing_run_uses_its_own_rounds_alone():
    rounds = PairRounds()
    rounds.ones[0] = Run((3.0,), None)
    rounds.pairs[0] = Run((1.5, 1.5), None)
    figures = rounds.round_figures(0)
    assert figures["bracketed_by"] == 1 and figures["speedup_bracketed"] == 2.0
    assert "classify_vs_one_bracketed" not in figures  # a checkout that does not report its classify CPU


def test_summary_gives_every_round_the_spread_the_pooled_figure_and_rounds_at_target():
    rounds = PairRounds()
    for r, one in enumerate((3.0, 3.0, 3.6)):
        rounds.ones[r] = Run((one,), None)
    rounds.pairs[0] = Run((1.5, 1.4), None)  # 3.0 / 1.5 = 2.0
    rounds.pairs[1] = Run((2.0, 1.9), None)  # 3.3 / 2.0 = 1.65
    summary = rounds.summary(1.8)
    assert [f["speedup_bracketed"] for f in summary["rounds"]] == [2.0, 1.65]
    assert summary["speedup_bracketed"] == {"median": 1.825, "min": 1.65, "max": 2.0}
    assert summary["speedup_pooled"] == round(3.0 / 1.75, 2)
    assert summary["rounds_at_target"] == "1 of 2"


def test_a_pair_with_no_one_worker_run_beside_it_has_no_figures():
    rounds = PairRounds()
    rounds.pairs[3] = Run((1.0, 1.0), None)
    assert rounds.round_figures(3) is None
    assert rounds.summary()["rounds_at_target"] == "0 of 0"
