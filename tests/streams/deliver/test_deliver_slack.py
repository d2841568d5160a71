"""Slack: Block Kit checked with slack-sdk's models, escaping, limits, a real HTTP receiver."""

from slack_sdk.models.blocks import Block

from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations.slack import SlackDestination, SlackSettings
from pantau.streams.deliver.destinations.slack_blocks import slack_payload
from pantau.streams.deliver.route import Router


def _alert(classified, **kw):
    return Router([RouteSpec(topics=[kw.get("topic", "asean")], to=["chat"])], ["chat"]).alerts_for(classified(**kw))[0]


def _message(alerts, kind="alert"):
    return Message(id=alerts[0].key, destination="chat", route=alerts[0].route, kind=kind, alerts=tuple(alerts))


def _checked(payload):
    """Parse every block with slack-sdk (raises on Slack's limits) and check what it does not."""
    assert isinstance(payload["text"], str) and payload["text"]
    assert len(payload["blocks"]) <= 50
    for block in payload["blocks"]:
        parsed = Block.parse(block)
        assert parsed is not None, block
        assert parsed.to_dict()  # to_dict() validates lengths and raises SlackObjectFormationError
    return payload


def _texts(payload):
    out = [payload["text"]]
    for b in payload["blocks"]:
        for obj in [b.get("text")] + list(b.get("fields", [])) + list(b.get("elements", [])):
            if obj:
                out.append(obj["text"])
    return out


def test_a_single_alert_has_linked_headline_outlet_time_topics_rule_snippet_version(classified):
    alert = _alert(classified)
    payload = _checked(slack_payload(_message([alert])))
    text = "\n".join(_texts(payload))
    assert f"<{alert.article.url}|Menteri luar negeri ASEAN" in text
    assert "Kabar Contoh" in text and "2026-11-22 08:15 UTC" in text
    assert "asean" in text and "asean-diplomacy" in text and "rs-test-1" in text
    assert "*ASEAN*" in text and "*Laut Cina Selatan*" in text  # matched terms marked
    assert all(
        o.get("verbatim") is True
        for b in payload["blocks"]
        for o in [b.get("text")] + b.get("fields", [])
        if o and o["type"] == "mrkdwn"
    )


def test_mentions_smuggled_into_articles_ping_nobody(classified):
    alert = _alert(
        classified,
        title="<!channel> <!here> <@U123ABC> & <https://evil.example|klik>",
        summary="ASEAN <!everyone> berita",
    )
    payload = _checked(slack_payload(_message([alert])))
    joined = "\n".join(_texts(payload))
    for mention in ("<!channel>", "<!here>", "<@U123ABC>", "<!everyone>", "<https://evil.example"):
        assert mention not in joined
    assert "&lt;!channel&gt;" in joined and "&lt;@U123ABC&gt;" in joined and "&amp;" in joined
    assert "link_names" not in payload


def test_huge_texts_stay_within_slack_limits(classified):
    long = "Serangan siber & <ransomware> " * 400
    alert = _alert(classified, topic="cybercrime", title=long, summary=long, terms=("ransomware", "siber"))
    payload = _checked(slack_payload(_message([alert])))
    header = payload["blocks"][0]["text"]["text"]
    assert len(header) <= 150
    assert all(len(t) <= 3000 for t in _texts(payload))
    assert all(len(f["text"]) <= 2000 for b in payload["blocks"] for f in b.get("fields", []))


def test_a_digest_of_many_alerts_keeps_to_50_blocks(classified):
    alerts = [_alert(classified, url=f"https://kabar.example/{i}", title=f"Berita ASEAN nomor {i}") for i in range(80)]
    payload = _checked(slack_payload(_message(alerts, kind="digest")))
    assert len(payload["blocks"]) == 50
    assert "32 more not shown" in payload["blocks"][-1]["elements"][0]["text"]


def test_posts_to_a_real_receiver(classified, receiver, send):
    alert = _alert(classified, title="<!channel> Menteri luar negeri ASEAN bertemu")
    dest = SlackDestination("chat", SlackSettings(url=receiver.url))

    send(dest, _message([alert]))
    (got,) = receiver.requests
    assert got.headers["Content-Type"].startswith("application/json")
    _checked(got.json())
    assert got.json()["blocks"][0]["text"]["text"] == "&lt;!channel&gt; Menteri luar negeri ASEAN bertemu"
    assert b"<!channel>" not in got.body
