"""Email: a real aiosmtpd server with STARTTLS, implicit TLS and auth; strict parsing of what arrived."""

import asyncio
import email
import email.policy

import pytest

from pantau.core.errors import PermanentDelivery, RetryableDelivery
from pantau.streams.deliver.alert import Message
from pantau.streams.deliver.config import RouteSpec
from pantau.streams.deliver.destinations import parse_destination
from pantau.streams.deliver.destinations.mail import EmailDestination
from pantau.streams.deliver.route import Router


def _alerts(classified, n=1, **kw):
    router = Router([RouteSpec(topics=["asean"], to=["desk"])], ["desk"])
    return [router.alerts_for(classified(url=f"https://kabar.example/{i}", **kw))[0] for i in range(n)]


def _send(spec, alerts, kind="alert"):
    dest = EmailDestination("desk", spec)
    msg = Message(id=alerts[0].key, destination="desk", route=alerts[0].route, kind=kind, alerts=tuple(alerts))
    asyncio.run(dest.send(msg))


def _spec(url, **kw):
    return parse_destination(
        {
            "type": "email",
            "smtp": url,
            "from": "pantau@example.org",
            "to": ["desk@example.org", "oncall@example.org"],
            **kw,
        }
    )


def _parts(raw: bytes):
    msg = email.message_from_bytes(raw, policy=email.policy.strict)
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    return msg, text, html


def test_starttls_with_login_delivers_multipart_text_and_html(classified, smtp_server):
    box = smtp_server(mode="starttls", users={"desk": "s3cret pass"})
    title = "ASEAN dan <script>alert(1)</script> diplomasi"
    (alert,) = _alerts(classified, title=title)
    _send(_spec(f"smtp://desk:s3cret%20pass@127.0.0.1:{box.port}", ca_file=str(box.ca_file)), [alert])
    ((raw, tls, auth),) = box.messages
    assert tls is True and auth.login == b"desk"
    msg, text, html = _parts(raw)
    assert msg["To"] == "desk@example.org, oncall@example.org" and msg["From"] == "pantau@example.org"
    assert msg["Subject"].startswith("[pantau] [asean] ASEAN dan")
    assert msg["X-Pantau-Alert"] == alert.key
    assert alert.article.url in text and "*Laut Cina Selatan*" in text and "Kabar Contoh" in text
    assert "<mark>Laut Cina Selatan</mark>" in html and f'href="{alert.article.url}"' in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # article text cannot inject markup
    assert "rs-test-1" in text and "rs-test-1" in html


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd cannot tell implicit TLS
def test_implicit_tls_smtps(classified, smtp_server):
    box = smtp_server(mode="implicit", users={"desk": "pw"})
    _send(_spec(f"smtps://desk:pw@127.0.0.1:{box.port}", ca_file=str(box.ca_file)), _alerts(classified))
    ((raw, tls, _),) = box.messages
    assert tls is True
    _parts(raw)


def test_a_digest_lists_every_alert(classified, smtp_server):
    box = smtp_server(mode="plain")
    alerts = _alerts(classified, 3)
    _send(_spec(f"smtp://127.0.0.1:{box.port}"), alerts, kind="digest")
    msg, text, html = _parts(box.messages[0][0])
    assert msg["Subject"] == f"[pantau] 3 alerts on {alerts[0].route}"
    assert all(a.article.url in text and a.article.url in html for a in alerts)


def test_operators_override_templates_by_name(classified, smtp_server, tmp_path):
    box = smtp_server(mode="plain")
    folder = tmp_path / "mytemplates"
    folder.mkdir()
    (folder / "alert.txt.j2").write_text("REDAKSI: {{ alerts[0].title }} -> {{ alerts[0].url }}\n")
    (alert,) = _alerts(classified)
    _send(_spec(f"smtp://127.0.0.1:{box.port}", templates=str(folder)), [alert])
    _, text, html = _parts(box.messages[0][0])
    assert text.startswith(f"REDAKSI: {alert.article.title} -> {alert.article.url}")
    assert "<mark>" in html  # the shipped HTML template still applies


def test_an_untrusted_certificate_is_a_clear_permanent_error(classified, smtp_server):
    box = smtp_server(mode="starttls", users={"desk": "pw"})
    with pytest.raises(PermanentDelivery, match=r"destination 'desk'.*certificate not trusted") as err:
        _send(_spec(f"smtp://desk:pw@127.0.0.1:{box.port}"), _alerts(classified))
    assert "ca_file" in err.value.hint and box.messages == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_no_password_in_clear_when_the_server_offers_no_starttls(classified, smtp_server):
    box = smtp_server(mode="plain", users={"desk": "pw"})
    with pytest.raises(PermanentDelivery, match="refusing to send the password in clear"):
        _send(_spec(f"smtp://desk:pw@127.0.0.1:{box.port}"), _alerts(classified))


def test_a_wrong_password_is_refused_and_not_logged(classified, smtp_server):
    box = smtp_server(mode="starttls", users={"desk": "right"})
    with pytest.raises(PermanentDelivery, match="refused the login") as err:
        _send(_spec(f"smtp://desk:wrong-pw@127.0.0.1:{box.port}", ca_file=str(box.ca_file)), _alerts(classified))
    assert "wrong-pw" not in str(err.value)


def test_an_unreachable_smtp_host_is_a_retryable_error_naming_the_destination(classified, unused_port):
    with pytest.raises(RetryableDelivery, match=r"destination 'desk': cannot reach SMTP server smtp://127.0.0.1:\d+"):
        _send(_spec(f"smtp://127.0.0.1:{unused_port}", timeout=2), _alerts(classified))
