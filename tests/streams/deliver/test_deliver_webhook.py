"""Signed webhooks: Standard Webhooks signatures, the repo's JSON Schema, the 20 KB cap."""

import base64
import json

import jsonschema
import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations.webhook import WebhookDestination, WebhookSettings
from pantau.streams.deliver.destinations.webhook_body import SCHEMA_PATH, webhook_body
from pantau.streams.deliver.route import Router

SCHEMA = json.loads(SCHEMA_PATH.read_text())
WHSEC = "whsec_" + base64.b64encode(b"pantau-test-signing-key-0123456789").decode()


def _alerts(classified, n=1, **kw):
    router = Router([RouteSpec(topics=["asean"], to=["siem"])], ["siem"])
    return [router.alerts_for(classified(url=f"https://kabar.example/{i}", **kw))[0] for i in range(n)]


def _message(alerts, kind="alert"):
    ids = alerts[0].key if len(alerts) == 1 else "batch_x"
    return Message(id=ids, destination="siem", route=alerts[0].route, kind=kind, alerts=tuple(alerts))


def _validate(body: bytes):
    data = json.loads(body)
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    return data


def test_the_schema_file_is_a_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_bodies_follow_the_schema(classified):
    alerts = _alerts(classified, 3)
    one = _validate(webhook_body(_message(alerts[:1])))
    assert one["type"] == "alert" and one["id"] == alerts[0].key and one["version"] == 1
    assert one["alerts"][0]["matches"][0]["terms"] == ["asean", "laut cina selatan"]
    digest = _validate(webhook_body(_message(alerts, kind="digest")))
    assert len(digest["alerts"]) == 3 and digest["omitted"] == 0 and digest["truncated"] is False


def test_a_mismatching_body_fails_the_schema(classified):
    data = json.loads(webhook_body(_message(_alerts(classified))))
    del data["alerts"][0]["article"]["url"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, SCHEMA)


def test_big_alerts_are_shortened_under_20_kb(classified):
    huge = "ASEAN " + "kalimat panjang tentang diplomasi kawasan " * 2000
    body = webhook_body(_message(_alerts(classified, summary=huge, title=huge[:5000])))
    data = _validate(body)
    assert len(body) < 20_000 and data["truncated"] is True


def test_big_digests_drop_alerts_and_say_how_many(classified):
    summary = "ASEAN " + "berita kawasan " * 300
    body = webhook_body(_message(_alerts(classified, 200, summary=summary), kind="digest"))
    data = _validate(body)
    assert len(body) < 20_000
    assert data["omitted"] > 0 and len(data["alerts"]) + data["omitted"] == 200


@pytest.mark.parametrize("secret", [WHSEC, "a raw shared secret, not base64!"])
def test_signed_deliveries_verify_with_the_standardwebhooks_library(classified, receiver, secret, send):
    alert = _alerts(classified)[0]
    dest = WebhookDestination("siem", WebhookSettings(url=receiver.url, secret=secret))

    send(dest, _message([alert]))
    (got,) = receiver.requests
    verifier = Webhook(secret) if secret.startswith("whsec_") else Webhook(secret.encode())
    data = verifier.verify(got.body, got.headers)
    assert got.headers["webhook-id"] == alert.key == data["id"]
    _validate(got.body)
    with pytest.raises(WebhookVerificationError):
        verifier.verify(got.body.replace(b"ASEAN", b"XXXXX"), got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(base64.b64encode(b"another key").decode()).verify(got.body, got.headers)
