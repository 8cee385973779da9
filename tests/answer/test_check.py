"""The model's YES/NO check (the check stage), and which questions are yes/no questions."""

from __future__ import annotations

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
