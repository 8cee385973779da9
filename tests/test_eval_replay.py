"""Recorded model replies are replayed for identical prompts; a changed prompt asks the model."""

from __future__ import annotations

from eval.replay import ReplayBackend
from rag.compose import App
from rag.llm import FakeBackend
from tests.conftest import make_app

Q = "When are the APEC and G20 summits held?"


def _replaying(app, backend, path) -> App:
    return app.sharing(chat_backend=ReplayBackend(backend, path))


def test_a_second_run_replays_every_reply_and_answers_the_same(settings, tmp_path):
    base = make_app(settings)
    path = tmp_path / "replies.jsonl"
    first = _replaying(base, FakeBackend(["YES", "Toward the end of the year [EN ¶3]."]), path)
    recorded = first.pipeline.answer(Q)
    assert first.chat_backend.file.misses == 2 and len(path.read_text().splitlines()) == 2
    other = FakeBackend(["NO", "Something else entirely."])  # would answer differently if asked
    second = _replaying(base, other, path)
    replayed = second.pipeline.answer(Q)
    assert replayed.text == recorded.text and not replayed.refused
    assert (second.chat_backend.file.hits, second.chat_backend.file.misses) == (2, 0) and other.llm.calls == []


def test_a_changed_prompt_asks_the_model_and_is_recorded(settings, tmp_path):
    base = make_app(settings)
    path = tmp_path / "replies.jsonl"
    _replaying(base, FakeBackend(["YES", "Toward the end of the year [EN ¶3]."]), path).pipeline.answer(Q)
    model = FakeBackend(["NO"])
    again = _replaying(base, model, path)
    assert again.pipeline.answer("Who will meet on the sidelines?").refused
    assert again.chat_backend.file.misses == 1 and len(model.llm.calls) == 1
    assert len(path.read_text().splitlines()) == 3


def test_the_checks_log_probabilities_are_recorded_and_replayed(settings, tmp_path):
    base = make_app(settings.model_copy(update={"trust_retrieval_above": 2.0}))
    path = tmp_path / "replies.jsonl"
    model = FakeBackend(["NO"])
    model.llm.yes_probabilities = [0.3]  # the reply word says NO; P(yes) 0.3 decides against the 0.5 threshold
    first = _replaying(base, model, path).pipeline.answer(Q)
    assert first.refused and "P(yes) 0.30" in first.verdict.reason
    lenient = base.sharing(settings.model_copy(update={"trust_retrieval_above": 2.0, "check_yes_above": 0.25}),
                           chat_backend=ReplayBackend(FakeBackend(["Toward the end of the year [EN ¶3]."]), path))
    again = lenient.pipeline.answer(Q)  # the recorded P(yes), not a new call, passes the lower threshold
    assert not again.refused and "P(yes) 0.30" in again.verdict.reason and lenient.chat_backend.file.hits == 1
    assert "end of the year" in again.text
