"""The question: validation, its language, follow-ups rewritten to stand alone."""

from __future__ import annotations

import pytest

from rag.answer.query import is_follow_up, question_language
from rag.errors import InputError


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
    assert is_follow_up(q) is expected


def test_the_answer_language_is_the_questions_unless_forced():
    assert question_language("文章的作者是谁？")[1] == "zh"
    assert question_language("文章的作者是誰？")[1] == "zh-Hant"
    assert question_language("What is BM25 在中文里叫什么？")[1] in ("en", "zh")
    assert question_language("文章的作者是谁？", "en")[1] == "en"
    with pytest.raises(InputError, match="unknown answer language"):
        question_language("Who?", "fr")


def test_follow_up_is_rewritten_with_history(app):
    history = [("What does the article say about Track II dialogues?", "Track II dialogues are expected to receive greater support [EN ¶7].")]
    ans = app.pipeline.answer("And what about them in the nuclear field?", history=history)
    assert "Track II" in ans.standalone_question
    rewrite_calls = [c for c in app.chat_backend.llm.calls if "Follow-up question" in c[-1].content]
    assert len(rewrite_calls) == 1
    assert "[EN ¶7]" not in rewrite_calls[0][-1].content  # the earlier answer is shown without its markers


def test_standalone_question_is_not_rewritten(app):
    app.pipeline.answer("When are the APEC and G20 summits held?", history=[("hi", "hello")])
    assert not [c for c in app.chat_backend.llm.calls if "Follow-up question" in c[-1].content]


@pytest.mark.parametrize("q", ["", "   ", "\x00\x01", "🙂🙂🙂", "x" * 100_000])
def test_bad_questions(fake_app, q):
    with pytest.raises(InputError):
        fake_app.pipeline.answer(q)
