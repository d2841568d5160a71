"""Stories: copies of one story from different outlets share one story id."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from ruamel.yaml import YAML

from pantau.adapters.faust.stories_table import TableStoryStore
from pantau.adapters.sqlite.state import open_state
from pantau.adapters.sqlite.stories import SqliteStoryStore
from pantau.core.article import Article, article_id
from pantau.streams.classify import Classified, decode_classified, encode_classified
from pantau.streams.classify.records import StoryMarks
from pantau.streams.stories import MemoryStoryStore, StoryIndex, marks, shingles

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)

# Our own texts: one wire story as two outlets print it (different headline,
# a dateline, a footer, the second one cut short), and a different story on
# the same subject that shares much of the vocabulary (a hard negative).
WIRE = (
    "Otoritas keuangan di Singapura membekukan dompet kripto yang dikaitkan dengan kelompok "
    "peretas Lazarus setelah pencurian aset digital senilai 40 juta dolar dari sebuah bursa "
    "di Seoul. Penyidik mengatakan dana itu dipecah ke ratusan alamat dan dicuci melalui layanan "
    "pencampur sebelum sebagian ditukar ke mata uang lain di platform luar negeri. Kepolisian "
    "Korea Selatan menyebut pola serangan itu sama dengan pembobolan tahun lalu, ketika peretas "
    "menyusup melalui pegawai yang menerima tawaran kerja palsu. Bursa tersebut menghentikan "
    "penarikan selama dua hari dan berjanji mengganti kerugian nasabah dari dana cadangannya. "
    "Para analis memperkirakan hasil curian dipakai untuk membiayai program senjata Pyongyang."
)
COPY_A = ("Dompet Kripto Lazarus Dibekukan di Singapura", "JAKARTA - " + WIRE + " Baca juga: Harga emas naik.")
COPY_B = ("Singapura Bekukan Aset Curian Peretas Korut", WIRE[: int(len(WIRE) * 0.7)])
OTHER = (
    "Peretas Korut Incar Pengembang Perangkat Lunak",
    "Kelompok peretas yang dikaitkan dengan Korea Utara mengirim paket perangkat lunak berbahaya "
    "ke pengembang di Asia Tenggara melalui repositori kode terbuka, menurut laporan perusahaan "
    "keamanan siber. Paket itu menyamar sebagai pustaka pembayaran dan mencuri kunci dompet kripto "
    "dari komputer korban. Peneliti menemukan lebih dari tiga puluh paket serupa dalam sebulan "
    "terakhir dan meminta pengembang memeriksa dependensi mereka sebelum memasang pembaruan.",
)


def make(url: str, title: str, content: str, *, at: datetime = T0, fetched: datetime | None = None) -> Article:
    return Article(
        id=article_id(url),
        url=url,
        title=title,
        content=content,
        published=at,
        fetched=fetched or at + timedelta(minutes=5),
        feed="test",
        language="id",
    )


def test_shingles_are_case_and_normalisation_insensitive():
    decomposed = "Tra\u0301i phe\u0301p"  # combining accents, as some Vietnamese feeds send
    assert shingles("Hà Nội TRÁI PHÉP", 2) == shingles("hà nội " + decomposed.lower(), 2)
    assert shingles("a b c d", 3) == {"a b c", "b c d"}
    assert shingles("", 3) == set()


def test_two_outlets_of_one_story_share_it_and_another_story_does_not():
    index = StoryIndex()
    first = index.assign(make("https://a.example/1", *COPY_A))
    second = index.assign(make("https://b.example/x", *COPY_B, at=T0 + timedelta(hours=2)))
    other = index.assign(make("https://c.example/y", *OTHER, at=T0 + timedelta(hours=3)))
    assert first.is_new and first.story_id == article_id("https://a.example/1")
    assert not second.is_new and second.story_id == first.story_id
    assert 0 < second.similarity < 1
    assert other.is_new and other.story_id != first.story_id


def test_a_copy_outside_the_window_starts_a_new_story():
    index = StoryIndex(window=86400)
    first = index.assign(make("https://a.example/1", *COPY_A))
    late = index.assign(make("https://b.example/x", *COPY_B, at=T0 + timedelta(days=2)))
    assert late.is_new and late.story_id != first.story_id
    assert len(index) == 1  # the first copy fell out of the window and was evicted


def test_assigning_the_same_article_again_gives_the_same_answer():
    index = StoryIndex()
    first = index.assign(make("https://a.example/1", *COPY_A))
    copy = index.assign(make("https://b.example/x", *COPY_B))
    assert index.assign(make("https://a.example/1", *COPY_A)) == first
    again = index.assign(make("https://b.example/x", *COPY_B))
    assert (again.story_id, again.is_new) == (copy.story_id, False)


def test_short_texts_need_near_identity():
    index = StoryIndex()
    a = index.assign(make("https://a.example/s1", "Korea Utara meluncurkan rudal balistik", ""))
    b = index.assign(make("https://b.example/s2", "Korea Utara meluncurkan satelit mata-mata", ""))
    assert b.is_new and b.story_id != a.story_id


def test_sqlite_store_keeps_stories_across_a_restart(tmp_path):
    path = tmp_path / "state.db"
    conn = open_state(path)
    first = StoryIndex(SqliteStoryStore(conn)).assign(make("https://a.example/1", *COPY_A))
    conn.close()
    conn = open_state(path)
    index = StoryIndex(SqliteStoryStore(conn))  # rebuilt from the table
    assert len(index) == 1
    copy = index.assign(make("https://b.example/x", *COPY_B, at=T0 + timedelta(hours=1)))
    assert copy.story_id == first.story_id and not copy.is_new
    assert conn.execute("SELECT count(*) FROM story_members").fetchone()[0] == 2
    conn.close()


def test_old_members_are_pruned_from_the_store():
    store = MemoryStoryStore()
    index = StoryIndex(store, window=86400, retention=2 * 86400)
    index.assign(make("https://a.example/1", *COPY_A))
    index.assign(make("https://c.example/y", *OTHER, at=T0 + timedelta(days=5)))
    assert store.get(article_id("https://a.example/1")) is None
    assert store.get(article_id("https://c.example/y")) is not None


@pytest.fixture(scope="module")
def seed_articles(seeds_dir):
    entries = YAML(typ="safe").load((seeds_dir / "index.yaml").read_text(encoding="utf-8"))
    return [
        (
            entry,
            make(
                f"https://seed.example/{entry['file']}",
                entry.get("title") or "",
                (seeds_dir / entry["file"]).read_text(encoding="utf-8"),
            ),
        )
        for entry in entries
    ]


def test_seeds_group_exactly_as_their_story_labels(seed_articles):
    # All at the same moment, so only the text decides (not the time window).
    index = StoryIndex()
    refs = {entry["story"]: set() for entry, _ in seed_articles}
    for entry, article in seed_articles:
        refs[entry["story"]].add(index.assign(article).story_id)
    assert all(len(ids) == 1 for ids in refs.values())
    assert len(set().union(*refs.values())) == len(refs)
    assert len(refs) == 4  # 000 and 001 are one story; 002, 003, 004 one each


def test_a_newer_story_seen_first_does_not_evict_older_copies_still_to_come():
    # Feeds finish in any order: a story published a year later may be processed
    # between two copies of an older one, all fetched in the same poll.
    fetched = T0 + timedelta(days=400)
    old = T0
    index = StoryIndex(window=3 * 86400)

    def at(url, title, content, published):
        return make(url, title, content, at=published, fetched=fetched)

    first = index.assign(at("https://a.example/1", *COPY_A, old))
    index.assign(at("https://c.example/y", *OTHER, old + timedelta(days=365)))
    copy = index.assign(at("https://b.example/x", *COPY_B, old + timedelta(hours=2)))
    assert copy.story_id == first.story_id and not copy.is_new


@pytest.mark.parametrize("kind", ["memory", "sqlite", "faust table"])
def test_a_restart_keeps_the_stories_the_running_index_kept(tmp_path, kind):
    # Copies of a story published days before they are fetched (a backlog, a slow outlet) stay
    # in the window from their fetch: a worker that takes the stories over after a restart must
    # keep them as long, or a later copy opens a second story and alerts again (round 11: the
    # distributed e2e test's copy, dated a week back, alerted twice after its worker was killed).
    store = {
        "memory": MemoryStoryStore,
        "sqlite": lambda: SqliteStoryStore(open_state(tmp_path / "state.db")),
        "faust table": lambda: TableStoryStore({}),
    }[kind]()
    fetched = T0 + timedelta(days=10)

    def seen(url, title, content, *, later: timedelta):
        return make(url, title, content, at=T0 + later, fetched=fetched + later)

    first = StoryIndex(store, window=3 * 86400).assign(seen("https://a.example/1", *COPY_A, later=timedelta(0)))
    index = StoryIndex(store, window=3 * 86400)  # another worker, or the same after a restart
    index.assign(seen("https://c.example/y", *OTHER, later=timedelta(minutes=1)))
    copy = index.assign(seen("https://b.example/x", *COPY_B, later=timedelta(minutes=2)))
    assert copy.story_id == first.story_id and not copy.is_new
    # Restored members still leave the index one window after the fetch they were kept from.
    assert len(index) == 3
    index.assign(seen("https://d.example/z", *OTHER, later=timedelta(days=4)))
    assert len(index) == 1


def test_marks_carried_from_the_classifier_give_the_stories_hashing_here_gives(seed_articles):
    # The distributed classifiers send each match's marks on the matches topic; the deliverer must
    # group exactly as if it had hashed the article itself, and store the same member.
    here, carried = StoryIndex(), StoryIndex()
    articles = [article for _, article in seed_articles]
    articles.append(make("https://en.example/1", "Lazarus wallets frozen in Singapore", "SINGAPORE - " + WIRE))
    for article in articles:
        wire = decode_classified(encode_classified(Classified(article=article, marks=marks(article))))
        assert wire.marks is not None and wire.marks.size > 0
        assert carried.assign(article, wire.marks) == here.assign(article)
        assert carried.store.get(article.id) == here.store.get(article.id)


def test_marks_that_are_not_a_signature_are_ignored_and_the_article_hashed():
    article, copy = make("https://a.example/1", *COPY_A), make("https://b.example/2", *COPY_B)
    index = StoryIndex()
    index.assign(article)
    bogus = StoryMarks(signature=b"\x00" * 12, size=3)
    ref = index.assign(copy, bogus)
    assert not ref.is_new and ref.story_id == article.id
    assert index.store.get(copy.id).size == len(shingles(f"{copy.title}\n{copy.content}"))
