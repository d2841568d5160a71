"""One language module: the feed's declaration wins, detection answers id/en/vi/ko or "other", and says which.

The titles are written for this test (short headlines, as feeds give them):
an unrestricted detector labels several of the Indonesian ones Javanese,
Pidgin or Bikol, and a rule or route with ``languages: [id]`` then skipped them.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pantau.core.article import Article, decode, encode
from pantau.core.language import OTHER, declared_code, detect_language, resolve_language, same_family

TITLES = {
    "id": [
        "Polisi tangkap pelaku pembobolan rekening nasabah",
        "Harga beras naik menjelang lebaran",
        "Gempa guncang Maluku, warga mengungsi",
        "Banjir rendam ratusan rumah di Bekasi",
        "Peretas jual data pemilih di forum gelap",
        "Korut luncurkan rudal lagi",
        "Sekolah diliburkan akibat kabut asap",
        "Warga antre minyak goreng sejak subuh",
    ],
    "en": [
        "Police arrest suspect in bank fraud case",
        "Rice prices rise ahead of holiday",
        "Hackers sell voter data on dark web forum",
        "North Korea fires another missile",
    ],
    "vi": [
        "Cảnh sát bắt nghi phạm lừa đảo ngân hàng",
        "Giá gạo tăng trước Tết",
        "Tin tặc rao bán dữ liệu cử tri",
        "Triều Tiên phóng tên lửa",
    ],
    "ko": [
        "경찰, 은행 사기 용의자 체포",
        "북한, 또 미사일 발사",
        "해커, 유권자 정보 판매",
        "아세안 장관 회의 개최",
    ],
    OTHER: [
        "Die Polizei hat einen Verdächtigen festgenommen",
        "La police arrête un suspect dans une affaire de fraude",
        "警方逮捕银行诈骗嫌疑人",
        "ตำรวจจับผู้ต้องสงสัยฉ้อโกงธนาคาร",
        "Полиция задержала подозреваемого",
    ],
}
CASES = [(want, title) for want, titles in TITLES.items() for title in titles]


@pytest.mark.parametrize(("want", "title"), CASES, ids=[t for _w, t in CASES])
def test_short_titles_are_detected_among_the_handled_languages_or_other(want: str, title: str) -> None:
    assert detect_language(title) == want


def test_the_unrestricted_guess_would_have_lost_indonesian_titles() -> None:
    """Why detection is restricted: the full model calls these Javanese or Malay, never Indonesian."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    full = LanguageIdentifier.from_model_file(MODEL_FILE)
    lost = [t for t in TITLES["id"] if full.classify(t)[0] != "id"]
    assert lost and all(detect_language(t) == "id" for t in lost)


def test_the_declared_language_wins_and_is_recorded_as_declared() -> None:
    assert resolve_language("en-US", "Harga beras naik menjelang lebaran") == ("en", "declared")
    assert resolve_language("in", "whatever") == ("id", "declared")  # the withdrawn ISO code for Indonesian
    assert resolve_language(None, "Harga beras naik menjelang lebaran") == ("id", "detected")
    assert resolve_language("  ", "Giá gạo tăng trước Tết") == ("vi", "detected")
    assert resolve_language(None, "AB 12") == (None, None)  # too little text to tell
    assert declared_code("ID_id") == "id"


def test_malay_is_one_family_with_indonesian() -> None:
    assert same_family("ms", frozenset({"id"})) and not same_family(OTHER, frozenset({"id"}))
    assert not same_family(None, frozenset({"id"}))


def test_normalised_articles_carry_the_language_and_where_it_came_from() -> None:
    from pantau.sources.feeds import FeedSpec
    from pantau.sources.normalise import normalise
    from pantau.sources.parse import FeedItem

    now = datetime.now(timezone.utc)
    undeclared = normalise(
        FeedItem(title="Harga beras naik menjelang lebaran", link="https://x.example/1"),
        feed=FeedSpec(url="https://x.example/rss"),
        fetched=now,
    )
    assert (undeclared.language, undeclared.language_source) == ("id", "detected")
    declared = normalise(
        FeedItem(title="Harga beras naik menjelang lebaran", link="https://x.example/2", language="ms"),
        feed=FeedSpec(url="https://x.example/rss"),
        fetched=now,
    )
    assert (declared.language, declared.language_source) == ("ms", "declared")


def test_records_written_before_language_source_still_decode() -> None:
    article = Article(
        id="a", url="https://x.example/1", title="t", fetched=datetime.now(timezone.utc), feed="f", language="id"
    )
    old = encode(article).replace(b',"language_source":null', b"")
    assert b"language_source" not in old and decode(old).language_source is None


def test_a_rule_and_a_route_restricted_to_id_take_an_undeclared_short_indonesian_title(tmp_path) -> None:
    from pantau.streams.classify import load_ruleset
    from pantau.streams.deliver.config import RouteSpec
    from pantau.streams.deliver.route import route_matches

    (tmp_path / "demo.yaml").write_text(
        "topic: demo\ntitle: Demo\nowner: desk@pantau.example\nrules:\n  - id: rice\n    languages: [id]\n"
        "    any: [beras]\n",
        encoding="utf-8",
    )
    ruleset = load_ruleset(tmp_path)
    article = Article(
        id="a",
        url="https://x.example/1",
        title="Harga beras naik menjelang lebaran",
        fetched=datetime.now(timezone.utc),
        feed="f",
    )
    classified = ruleset.classify(article)
    assert list(classified.topics) == ["demo"]
    assert route_matches(RouteSpec(topics=["demo"], languages=["id"], to=["console"]), classified)
