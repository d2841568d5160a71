"""The query language: precedence, proximity, scopes, and errors with positions."""

from __future__ import annotations

import pytest

from pantau.streams.classify.query import (
    And,
    ListRef,
    Near,
    Not,
    Or,
    QueryError,
    Regex,
    Scope,
    Term,
    TopicRef,
    parse_query,
)


def tree(text: str):
    return parse_query(text)[0]


def test_and_binds_tighter_than_or():
    assert tree("a OR b AND c") == Or((Term("a", 0), And((Term("b", 5), Term("c", 11)))))


def test_adjacent_terms_mean_and_and_not_binds_tightest():
    assert tree("a NOT b c") == And((Term("a", 0), Not(Term("b", 6), 2), Term("c", 8)))


def test_parentheses_and_phrases_with_curly_quotes():
    assert tree("(a OR “kejahatan siber”) AND c") == And(
        (Or((Term("a", 1), Term("kejahatan siber", 6))), Term("c", 29))
    )


def test_near_with_distance_lists_and_scopes():
    assert tree("title:(Lazarus NEAR/3 @ctx)") == Scope("title", Near(Term("Lazarus", 7), ListRef("ctx", 22), 3, 15), 0)


def test_near_accepts_alternatives():
    assert tree("a NEAR/2 (b OR c)") == Near(Term("a", 0), Or((Term("b", 10), Term("c", 15))), 2, 2)


def test_topic_refs_and_regex():
    assert tree('topic:cybercrime regex:"kim\\s+jong"') == And((TopicRef("cybercrime", 0), Regex("kim\\s+jong", 17)))


def test_lower_case_operators_are_words_with_a_warning():
    node, warnings = parse_query("a or b")
    assert node == And((Term("a", 0), Term("or", 2), Term("b", 5)))
    assert warnings and warnings[0][0] == 2


@pytest.mark.parametrize(
    ("query", "pos", "fragment"),
    [
        ("(a OR b", 0, "never closed"),
        ("a OR b)", 6, "without a matching"),
        ("a AND", 2, "nothing after"),
        ("a NEAR/x b", 2, "proximity"),
        ('"open phrase', 0, "unterminated"),
        ("a NEAR/2 (b AND c)", 2, "not AND/NOT groups"),
        ("titel:x", 0, "did you mean 'title'"),
        ("", 0, "empty"),
        ("()", 0, "empty parentheses"),
    ],
)
def test_errors_carry_their_position(query, pos, fragment):
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert info.value.pos == pos and fragment in info.value.message
    assert info.value.hint
