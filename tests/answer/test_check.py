"""The model's YES/NO check (the check stage), and which questions are yes/no questions."""

from __future__ import annotations

import math

import pytest


@pytest.mark.parametrize(
    "q, polar",
    [("Does the author think the improvement is enough?", True), ("Is the visit important?", True),
     ("作者认为改善足够吗？", True), ("双方是否同意恢复对话？", True),
     ("What does the author think?", False), ("作者怎么看？", False), ("Why is it important?", False)],
)
def test_polar_questions(q, polar):
    from rag.answer.query import is_polar

    assert is_polar(q) is polar


def test_the_check_asks_yes_or_no_once_and_a_no_refuses(settings):
    from tests.conftest import make_app

    strict = settings.model_copy(update={"trust_retrieval_above": 2.0})
    app = make_app(strict, replies=["NO"])
    ans = app.pipeline.answer("Does the author think the improvement in relations is enough?")
    assert ans.refused and ans.verdict.rule == "model-no"
    assert len(app.chat_backend.llm.calls) == 1 and "YES or NO" in app.chat_backend.llm.calls[0][-1].content


@pytest.mark.parametrize(
    "candidates, p",
    [([{"token": "YES", "logprob": math.log(0.6)}, {"token": "NO", "logprob": math.log(0.2)},
       {"token": " yes", "logprob": math.log(0.1)}, {"token": "否", "logprob": math.log(0.1)}], 0.7),
     ([{"token": "No", "logprob": math.log(0.9)}, {"token": "The", "logprob": math.log(0.1)}], 0.0),
     ([{"token": "The", "logprob": 0.0}], None), ([], None)],
)
def test_yes_probability_weighs_every_spelling_of_yes_against_no(candidates, p):
    from rag.answer.chat import yes_probability

    assert yes_probability(candidates) == pytest.approx(p) if p is not None else yes_probability(candidates) is None


@pytest.mark.parametrize("threshold, refused", [(0.5, True), (0.2, False)])
def test_the_check_reads_p_yes_against_its_threshold_not_the_reply_word(settings, threshold, refused):
    from tests.conftest import make_app

    s = settings.model_copy(update={"trust_retrieval_above": 2.0, "check_yes_above": threshold})
    app = make_app(s, replies=["NO"])
    app.chat_backend.llm.yes_probabilities = [0.3]  # the reply word is NO; its probability is 0.3
    ans = app.pipeline.answer("Does the author think the improvement in relations is enough?")
    assert ans.refused is refused
    assert ans.verdict.rule == ("model-no" if refused else "model-yes") and "P(yes) 0.30" in ans.verdict.reason


def test_without_log_probabilities_the_reply_word_decides(settings):
    from tests.conftest import make_app

    app = make_app(settings.model_copy(update={"trust_retrieval_above": 2.0, "check_yes_above": 0.0}), replies=["NO"])
    ans = app.pipeline.answer("Does the author think the improvement in relations is enough?")
    assert ans.refused and ans.verdict.rule == "model-no" and "P(yes)" not in ans.verdict.reason
