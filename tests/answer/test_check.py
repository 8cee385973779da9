"""The model's YES/NO check; yes/no questions get the lenient check (the check stage)."""

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


def _lenient_only(messages):
    last = messages[-1].content
    if "YES or NO" in last:
        return "YES" if "fully or in part" in last else "NO"
    return "The improvement is limited [EN ¶9]."


def test_yes_no_question_gets_the_lenient_check(settings):
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend
    from rag.settings import DEFAULT_CORPUS

    strict = settings.model_copy(update={"trust_retrieval_above": 2.0})

    def build(s):
        app = App(s, embedder=FakeEmbedder(), chat_backend=FakeBackend(reply_fn=_lenient_only))
        app.indexer.write([app.indexer.prepare_path(DEFAULT_CORPUS)], progress=False)
        return app

    q = "Does the author think the improvement in relations is enough?"
    assert not build(strict).pipeline.answer(q).refused
    assert build(strict.model_copy(update={"polar_check": False})).pipeline.answer(q).refused
    assert build(strict).pipeline.answer("What does the author think of the improvement in relations?").refused  # strict wording
