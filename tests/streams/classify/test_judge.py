"""The judge (streams/classify/judge.py): a learned second opinion that can overrule or add to the rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pantau.core.errors import RulesError
from pantau.streams.classify import default_rules_dir, load_ruleset
from pantau.streams.classify.corpus import CorpusItem
from pantau.streams.classify.explain import near_misses
from pantau.streams.classify.judge import MODEL_FILE, judge_path
from pantau.streams.classify.judge_train import fingerprint, read_settings, train, training_items, write_model
from pantau.streams.classify.loader import fingerprint as rules_version

RULE = """\
topic: cybercrime
title: Cybercrime
owner: desk
rules:
  - id: hacker-word
    any: [peretas, hacker]
"""
SETTINGS = "topics:\n  cybercrime: {veto: 0.3, alone: 0.7, strong_hits: 4}\ntrain: []\n"

CRIMES = [
    "Peretas membobol server bank dan mencuri data nasabah",
    "Polisi menangkap peretas yang menjual data pribadi curian",
    "Server rumah sakit dikunci ransomware, data pasien dicuri peretas",
    "Komplotan peretas membobol rekening nasabah lewat tautan palsu",
    "Data pelanggan bocor setelah server diretas, pelaku ditangkap polisi",
    "Penjahat siber mencuri data kartu kredit nasabah bank",
]
KITCHEN = [
    "Resep rendang praktis ala hacker dapur untuk keluarga",
    "Tips dapur: hacker kuliner berbagi resep sambal goreng",
    "Festival kuliner menghadirkan resep nenek dan sambal terasi",
    "Resep kue lapis legit untuk lebaran bersama keluarga",
    "Cara memasak nasi goreng kampung yang gurih",
    "Lomba memasak rendang di pasar malam kota",
]


def _items() -> list[CorpusItem]:
    crimes = [CorpusItem(id=f"c{i}", language="id", title=t, topics=["cybercrime"]) for i, t in enumerate(CRIMES)]
    kitchen = [CorpusItem(id=f"k{i}", language="id", title=t) for i, t in enumerate(KITCHEN)]
    return crimes + kitchen


@pytest.fixture(scope="module")
def judged_rules(tmp_path_factory) -> Path:
    """A one-rule topic with a judge trained on a dozen articles of our own."""
    rules = tmp_path_factory.mktemp("judged") / "rules"
    rules.mkdir()
    (rules / "cybercrime.yaml").write_text(RULE, encoding="utf-8")
    (rules / "judge").mkdir()
    (rules / "judge" / "judge.yaml").write_text(SETTINGS, encoding="utf-8")
    arrays, meta = train(_items(), ("cybercrime",))
    write_model(judge_path(rules), arrays, meta)
    return rules


def _article(title: str, content: str = ""):
    return CorpusItem(id=title[:20], language="id", title=title, content=content).article()


def test_the_judge_overrules_a_rule_match_that_reads_unlike_the_topic_and_says_so(judged_rules):
    ruleset = load_ruleset(judged_rules)
    article = _article("Resep sambal goreng ala hacker dapur untuk lebaran")
    assert ruleset.classify(article, judged=False).topics == ("cybercrime",)  # the rule alone matches
    assert ruleset.classify(article).topics == ()
    [miss] = near_misses(ruleset, article, set())
    assert miss.rule == "hacker-word" and miss.lacked.startswith("overruled: the judge (on the rules' match)")


def test_a_rule_match_the_judge_agrees_with_stands_with_the_judges_note(judged_rules):
    classified = load_ruleset(judged_rules).classify(_article("Peretas membobol server bank, data nasabah dicuri"))
    [match] = classified.matches
    assert match.rule == "hacker-word"
    assert any(n.startswith("the judge (on the rules' match): cybercrime") and "reaches 0.30" in n for n in match.notes)


def test_strong_rule_evidence_stands_whatever_the_judge_says(judged_rules):
    article = _article("Resep hacker dapur", "Hacker dapur, hacker kuliner, hacker resep, peretas rasa: resep sambal.")
    assert load_ruleset(judged_rules).classify(article).topics == ("cybercrime",)  # 5 hits >= strong_hits 4


def test_the_judge_alone_alerts_on_a_crime_told_without_the_rules_words(judged_rules):
    ruleset = load_ruleset(judged_rules)
    article = _article("Data nasabah bank dicuri, server dibobol komplotan penjahat siber")
    assert ruleset.classify(article, judged=False).topics == ()
    [match] = ruleset.classify(article).matches
    assert match.rule == "judge" and match.topic == "cybercrime" and match.hits == ()
    assert match.notes[0].startswith("the judge (alone, on the title and lead): cybercrime")
    assert match.snippet.startswith("Data nasabah")


def test_the_model_and_its_settings_are_part_of_the_rules_version(judged_rules, tmp_path):
    copy = shutil.copytree(judged_rules, tmp_path / "rules")
    before = load_ruleset(copy).version
    assert rules_version(copy) == before
    (copy / "judge" / "judge.yaml").write_text(SETTINGS.replace("0.3", "0.2"), encoding="utf-8")
    assert load_ruleset(copy).version != before and rules_version(copy) == load_ruleset(copy).version
    shutil.rmtree(copy / "judge")
    assert load_ruleset(copy).judge is None  # no judge folder: the rules alone decide


def test_bad_judge_files_are_refused_naming_the_file_and_the_fix(judged_rules, tmp_path):
    copy = shutil.copytree(judged_rules, tmp_path / "rules")
    (copy / "judge" / "judge.yaml").write_text("topics:\n  cybercrime: {veto: high}\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"judge\.yaml.*veto and alone must be numbers"):
        load_ruleset(copy)
    (copy / "judge" / "judge.yaml").write_text(SETTINGS, encoding="utf-8")
    (copy / "judge" / MODEL_FILE).write_bytes(b"not a model")
    with pytest.raises(RulesError, match=r"unusable judge model.*pantau rules train"):
        load_ruleset(copy)


def test_the_shipped_model_learned_from_the_labelled_folders_as_they_are_now():
    """Fails when a labelled article changes and nobody ran `pantau rules train` (the model is stale)."""
    shipped = load_ruleset(default_rules_dir())
    assert shipped.judge is not None
    items = training_items(read_settings(default_rules_dir() / "judge"))
    assert shipped.judge.meta["fingerprint"] == fingerprint(items), "run `pantau rules train rules` and commit"
    assert shipped.judge.meta["articles"] == len(items)


def test_the_try_page_says_the_judge_overruled_a_rule_not_that_its_score_was_low(judged_rules):
    from pantau.web.tryout import judge

    [verdict] = judge(load_ruleset(judged_rules), _article("Resep sambal goreng ala hacker dapur untuk lebaran"))
    assert not verdict.matched
    [near] = verdict.near
    assert near.rule == "hacker-word" and near.reason.startswith("overruled: the judge (on the rules' match)")


def test_a_batch_gets_the_same_verdicts_as_one_article_at_a_time():
    """classify_many (the stream's batches) decides exactly what classify does one article at a time."""
    from pantau.streams.classify.corpus import load_corpus

    ruleset = load_ruleset(default_rules_dir())
    assert ruleset.judge is not None
    here = Path(__file__).resolve().parents[2] / "fixtures"
    articles = [i.article() for d in ("heldout6", "devset5") for i in load_corpus(here / d)]
    one_by_one = [ruleset.classify(a) for a in articles]
    batched = ruleset.classify_many(articles)
    assert [c.topics for c in batched] == [c.topics for c in one_by_one]
    assert [[(m.rule, m.notes) for m in c.matches] for c in batched] == [
        [(m.rule, m.notes) for m in c.matches] for c in one_by_one
    ]
    # Both directions happen in this batch: the judge overrules some rule matches and alerts alone on others.
    ruled = [ruleset.classify(a, judged=False) for a in articles]
    assert any(set(r.topics) - set(b.topics) for r, b in zip(ruled, batched, strict=True))
    assert any(m.rule == "judge" for c in batched for m in c.matches)


def test_the_stream_batch_judges_like_single_classify(judged_rules):
    from pantau.streams.pipeline import classify_batch

    ruleset = load_ruleset(judged_rules)
    articles = [
        _article("Resep sambal goreng ala hacker dapur untuk lebaran"),
        _article("Peretas membobol server bank, data nasabah dicuri"),
        _article("Komplotan membobol rekening nasabah lewat tautan palsu dan mencuri data"),
    ]
    assert [c.topics for c in classify_batch(articles, ruleset)] == [ruleset.classify(a).topics for a in articles]


def test_one_pass_serves_the_probabilities_training_computes():
    """An article read by both models is featurised once; each verdict equals the training path's (``features``,
    ``weigh``, the coefficients): train and serve read the same n-grams."""
    import numpy as np

    from pantau.streams.classify.corpus import load_corpus
    from pantau.streams.classify.judge import article_text, features, weigh

    judge = load_ruleset(default_rules_dir()).judge
    assert judge is not None
    here = Path(__file__).resolve().parents[2] / "fixtures"
    articles = [i.article() for i in load_corpus(here / "heldout8")][:80]
    first, others = judge.topics[:1], judge.topics[1:]
    for article in articles:
        verdicts = judge.review(article, {first[0]: 1}, judge.topics)
        assert [(v.topic, v.alone) for v in verdicts] == [(first[0], False)] + [(t, True) for t in others]
        for v in verdicts:
            models = judge._alone if v.alone else judge._veto
            x = weigh(features([article_text(article)], alone=v.alone), models.idf)
            z = float((x @ models.coef[:, models.column[v.topic]])[0]) + models.bias[models.column[v.topic]]
            assert v.probability == pytest.approx(1.0 / (1.0 + np.exp(-z)), abs=1e-5)
            assert v.probability == pytest.approx(judge.probabilities(article, (v.topic,), alone=v.alone)[v.topic])
