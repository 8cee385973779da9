"""The question: validation, features computed once, follow-ups rewritten (the query stage)."""

from __future__ import annotations

import pytest

from rag.errors import InputError
from tests.conftest import make_app

@pytest.mark.parametrize(
    "q, expected",
    [
        ("and the second one?", True),
        ("那第二点呢？", True),
        ("What about them?", True),
        ("Why is it important?", True),
        ("When are the APEC and G20 summits held?", False),
        ("Who wrote this article and when was it published?", False),
        ("特朗普何时访华？", False),
    ],
)
def test_follow_up_detection(q, expected):
    from rag.answer.query import is_follow_up

    assert is_follow_up(q) is expected


def test_follow_up_is_rewritten_with_history(app):
    history = [("What does the article say about Track II dialogues?", "Track II dialogues are expected to receive greater support [EN ¶7].")]
    ans = app.pipeline.answer("And what about them in the nuclear field?", history=history)
    assert "Track II" in ans.standalone_question
    rewrite_calls = [c for c in app.chat_backend.llm.calls if "Follow-up question" in c[-1].content]
    assert len(rewrite_calls) == 1


def test_standalone_question_is_not_rewritten(app):
    app.pipeline.answer("When are the APEC and G20 summits held?", history=[("hi", "hello")])
    assert not [c for c in app.chat_backend.llm.calls if "Follow-up question" in c[-1].content]


@pytest.mark.parametrize("q", ["", "   ", "\x00\x01", "🙂🙂🙂", "x" * 100_000])
def test_bad_questions(app, q):
    with pytest.raises(InputError):
        app.pipeline.answer(q)


def test_features_are_computed_once_from_the_standalone_question():
    from rag.answer.query import analyze

    q = analyze("And did he visit?", standalone="Did Xi Jinping visit the United States in September?")
    assert (q.follow_up, q.polar, q.about_doc) == (True, True, False)
    assert "Xi Jinping" in " ".join(q.terms) and q.search_text.startswith("Did Xi Jinping")
    meta = analyze("Who wrote the article?")
    assert meta.about_doc and meta.fields == ("author",) and not meta.polar
    assert analyze("文章的作者是谁？").prompt_lang == "zh" and analyze("文章的作者是誰？").lang == "zh-Hant"


def test_the_question_is_analyzed_once_per_answer(settings, monkeypatch):
    import rag.answer.query as query

    calls = []
    real = query.analyze
    monkeypatch.setattr(query, "analyze", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    app = make_app(settings, replies=["When are the summits held?", "YES", "Toward the end of the year [EN ¶3]."])
    app.pipeline.answer("And when are they held?", history=[("What summits are held?", "APEC and G20 [EN ¶3].")])
    assert len(calls) == 1
