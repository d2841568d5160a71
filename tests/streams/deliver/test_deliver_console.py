"""Console: readable alerts on a terminal, plain text when piped, markup in titles kept literal."""

import asyncio
import io

from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations.console import ConsoleDestination, ConsoleSettings
from pantau.streams.deliver.route import Router


def _print(classified, color=None, **kw):
    alert = Router([RouteSpec(topics=["asean"], to=["console"])], ["console"]).alerts_for(classified(**kw))[0]
    out = io.StringIO()
    dest = ConsoleDestination("console", ConsoleSettings(color=color), stream=out)
    asyncio.run(
        dest.send(Message(id=alert.key, destination="console", route=alert.route, kind="alert", alerts=(alert,)))
    )
    return alert, out.getvalue()


def test_piped_output_is_plain_readable_text(classified):
    alert, text = _print(classified)
    assert "\x1b[" not in text
    lines = text.splitlines()
    assert lines[0] == f"● [asean] {alert.article.title}"
    assert "Kabar Contoh · 2026-11-22 08:15 UTC · rule asean-diplomacy (medium)" in lines[1]
    assert lines[2].strip() == alert.article.url
    assert "«Laut Cina Selatan»" in lines[3] and "«ASEAN»" in lines[3]  # marked without colour too


def test_colour_when_forced_and_markup_in_titles_stays_literal(classified):
    _, text = _print(classified, color=True, title="[bold red]ASEAN[/] \x1b[31m palsu")
    assert "\x1b[" in text and "«" not in text  # styled: colour marks the terms
    assert "[bold red]ASEAN[/]" in text  # printed as written, not interpreted
    assert "\x1b[31m palsu" not in text and "[31m palsu" in text  # the article's own escape is defused


def test_snippet_marks_from_the_classifier_are_used_and_cut_cleanly():
    from pantau.streams.deliver.render import snippet_segments

    segs = snippet_segments("…polisi menangkap «peretas» yang membobol «bursa kripto» di Jakarta…", ("x",), 500)
    assert [(s.text, s.marked) for s in segs] == [
        ("…polisi menangkap ", False),
        ("peretas", True),
        (" yang membobol ", False),
        ("bursa kripto", True),
        (" di Jakarta…", False),
    ]
    short = snippet_segments("awal «peretas» " + "kata " * 100, (), 40)
    assert (
        sum(len(s.text) for s in short) <= 40
        and (short[1].text, short[1].marked) == ("peretas", True)
        and short[-1].text.endswith("…")
    )
    plain = snippet_segments("Serangan siber ke ASEAN", ("asean", "siber"), 100)
    assert [s.text for s in plain if s.marked] == ["siber", "ASEAN"]
