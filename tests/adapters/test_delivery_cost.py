"""The deliverer's window: delivery CPU per article of the stream over classification CPU per article."""

from __future__ import annotations

from pantau.adapters.kafka.delivery_cost import DeliveryCost, Reading


def run(cost: DeliveryCost, readings: list[Reading], owned: int = 4, partitions: int = 12) -> list[float]:
    return [r for r in (cost.observe(reading, owned, partitions) for reading in readings) if r is not None]


def test_a_burst_and_its_delivery_tail_give_the_ratio_once_quiet():
    cost = DeliveryCost(window_s=30, window_articles=2000, overhead=0.2)
    idle = 0.01  # CPU-s per s of upkeep
    readings = [Reading(t, idle * t, 0.0, 0) for t in range(0, 12, 2)]  # before the burst: idle ticks
    # The burst: 10,000 own articles (4 of 12 partitions, so 30,000 in all), 0.66 s classifying (c: 0.0792
    # ms with the overhead), 0.76 s delivering the whole stream's alerts, spread over 10 s.
    t0, cpu0 = 12, idle * 12
    for i in range(1, 6):
        at = t0 + 2 * i
        readings.append(Reading(at, cpu0 + idle * (at - t0) + (0.66 * 1.2 + 0.76) * i / 5, 0.66 * i / 5, 2000 * i))
    last = readings[-1]
    for at in range(last.at + 2, last.at + 30, 2):  # quiet again
        readings.append(Reading(at, last.cpu + idle * (at - last.at), last.classify_cpu, last.articles))
    ratios = run(cost, readings)
    assert len(ratios) == 1
    # d = 0.76 / 30,000, c = 0.66 * 1.2 / 10,000: r = 0.32
    assert abs(ratios[0] - 0.76 / 30000 / (0.66 * 1.2 / 10000)) < 0.01
    assert abs(cost.idle - idle) < 1e-9


def test_no_ratio_without_enough_articles_or_time_or_while_delivery_still_runs():
    cost = DeliveryCost(window_s=30, window_articles=2000)
    few = [Reading(float(t), 0.01 * t, 0.0001 * t, 10 * t) for t in range(0, 120, 2)]  # 1,200 articles
    assert run(cost, few) == []
    cost = DeliveryCost(window_s=30, window_articles=2000)
    # Articles stopped but the CPU stays busy (delivery's tail): not quiet, the window waits ...
    busy = [Reading(float(t), 0.01 * t, 0.0, 0) for t in range(0, 10, 2)]
    busy += [Reading(float(t), 0.08 + 0.5 * (t - 8), 0.1, 5000) for t in range(10, 100, 2)]
    assert run(cost, busy) == []
    # ... until four windows have passed (a steady stream is never quiet).
    busy += [Reading(float(t), 0.08 + 0.5 * (t - 8), 0.1, 5000) for t in range(100, 130, 2)]
    assert len(run(cost, busy)) == 1


def test_a_restart_drops_the_window_and_no_partitions_measure_nothing():
    # 1,000 articles at t = 4, then quiet: a window of 10 s closes at t = 14.
    readings = [Reading(0.0, 0.0, 0.0, 0), Reading(2.0, 0.02, 0.0, 0)]
    readings += [Reading(float(t), 0.5 + 0.01 * t, 0.2, 1000) for t in range(4, 40, 2)]
    assert run(DeliveryCost(window_s=10, window_articles=100), readings, owned=0) == []
    assert len(run(DeliveryCost(window_s=10, window_articles=100), readings)) == 1
    cost = DeliveryCost(window_s=10, window_articles=100)
    assert run(cost, readings[:4]) == []
    cost.restart()  # new partitions at t = 6: the articles so far were of the old share
    assert run(cost, readings[4:]) == []  # the new window saw no articles


def test_a_proposal_needs_two_windows_whose_median_moves_past_the_hysteresis_and_the_interval(monkeypatch):
    from pantau.adapters.kafka import delivery_cost

    class Fixed(DeliveryCost):
        ratio: float | None = None

        def observe(self, now: Reading, owned: int, partitions: int) -> float | None:
            return self.ratio

    cost, group = Fixed(), (2, 12)
    monkeypatch.setattr(delivery_cost, "SHARE_INTERVAL_S", 300.0)
    at = lambda t: Reading(float(t), 0.0, 0.0, 0)  # noqa: E731
    cost.ratio = 0.17  # 5 of 12 (half a share, unmeasured, gives 4)
    assert cost.proposal(at(0), 4, None, None) is None  # an earlier leader would not read it: not counted
    assert cost.proposal(at(0), 4, group, None) is None  # one window: no move on it alone
    assert cost.proposal(at(10), 4, (1, 12), None) is None  # alone: every partition anyway
    assert cost.proposal(at(20), 4, group, None) == 0.17  # three windows at 0.17
    assert list(cost.ratios) == [0.17, 0.17, 0.17]
    cost.ratio = 0.34
    assert cost.proposal(at(200), 5, group, 0.17) is None  # one window at 0.34 is outvoted: median 0.17
    assert cost.estimate == 0.17
    assert cost.proposal(at(250), 5, group, 0.17) is None  # the median is 0.34 now, but only 230 s after the move
    assert cost.proposal(at(321), 5, group, 0.17) == 0.34  # back to 4 of 12, 301 s after
    cost.ratio = 0.26  # 4.44 of 12, but 15 % either side gives 5 and 4: no move
    for t in (700, 800, 900):
        assert cost.proposal(at(t), 4, group, 0.34) is None
    assert cost.estimate == 0.26


def test_after_a_restart_mid_burst_the_window_opens_at_the_next_quiet_tick():
    idle = 0.01
    cost = DeliveryCost(window_s=30, window_articles=2000)
    # A burst is under way when the member starts delivering (or its partitions change): 1,000 own articles
    # a second, and delivery CPU of matches classified before the change still to come.
    readings = [Reading(float(t), 0.2 * t, 0.1 * t, 1000 * t) for t in range(0, 6, 2)]
    assert run(cost, readings) == []
    cost.restart()
    busy = [Reading(float(t), 0.2 * t, 0.1 * t, 1000 * t) for t in range(6, 12, 2)]  # the rest of the burst
    tail = [Reading(12.0, 2.4 + 0.5, 1.1, 11000), Reading(14.0, 2.9 + 0.02, 1.1, 11000)]  # its delivery, then quiet
    assert run(cost, busy + tail) == []
    # Opened at t = 14 (the first quiet tick): the next burst and its delivery are the window's, nothing before.
    quiet = [Reading(float(t), 2.92 + idle * (t - 14), 1.1, 11000) for t in range(16, 40, 2)]
    burst = [Reading(40.0, 2.92 + idle * 26 + 0.3 * 1.2 + 0.2, 1.4, 14000)]
    after = [Reading(float(t), burst[0].cpu + idle * (t - 40), 1.4, 14000) for t in range(42, 60, 2)]
    ratios = run(cost, quiet + burst + after)
    assert len(ratios) == 1
    # d = 0.2 / 9,000 (3,000 own articles, 4 of 12 partitions), c = 0.3 * 1.2 / 3,000: r = 0.185
    assert abs(ratios[0] - 0.2 / 9000 / (0.3 * 1.2 / 3000)) < 0.01, ratios


def test_a_steady_stream_opens_its_window_without_a_quiet_tick():
    cost = DeliveryCost(window_s=30, window_articles=2000)
    # Never quiet: 100 own articles a second, classifying 0.01 CPU-s and delivering 0.003 of each second's.
    readings = [Reading(float(t), 0.015 * t, 0.01 * t, 100 * t) for t in range(0, 400, 2)]
    ratios = run(cost, readings)
    # Opened after 4 windows' time without a quiet tick (t = 120), then one closes every 4 windows (120 s).
    assert len(ratios) == 2
    # d = 0.003 / 300 (4 of 12), c = 0.012 / 100: r = 0.083 (no idle rate seen: nothing subtracted)
    assert all(abs(r - 0.003 / 300 / (0.012 / 100)) < 0.005 for r in ratios), ratios


def test_the_idle_rate_is_the_median_of_quiet_ticks_not_the_least_nor_a_delivery_tail():
    cost, cpu, readings = DeliveryCost(), 0.0, []
    for i, rate in enumerate([0.005, 0.02, 0.012, 0.5, 0.5, 0.01, 0.015]):  # 0.5: a delivery's tail, no article
        readings.append(Reading(2.0 * i, cpu, 0.0, 0))
        cpu += rate * 2
    readings.append(Reading(2.0 * len(readings), cpu, 0.0, 0))
    run(cost, readings)
    assert abs(cost.idle - 0.012) < 1e-9  # the least (0.005) left a third of the upkeep to count as delivery


def test_a_quiet_stream_never_closes_a_window():
    cost = DeliveryCost(window_s=30, window_articles=2000)
    # 5 own articles a second (15 in all on 4 of 12 partitions), for an hour: 1,500 per 300 s, never 2,000.
    readings = [Reading(float(t), 0.012 * t + 0.0004 * t, 0.0003 * t, 5 * t) for t in range(0, 3600, 2)]
    assert run(cost, readings) == []
