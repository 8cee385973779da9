"""Recorded model replies are replayed for identical prompts; a changed prompt asks the model."""

from __future__ import annotations

import json

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
    first = _replaying(base, FakeBackend(), path)  # the rule-based model selects the unit sharing the question's words
    recorded = first.pipeline.answer(Q)
    assert not recorded.refused and first.chat_backend.file.misses == 1 and len(path.read_text().splitlines()) == 1
    assert set(json.loads(path.read_text())) == {"key", "reply"}
    other = FakeBackend(['{"ids": []}'])  # would select nothing if asked
    second = _replaying(base, other, path)
    replayed = second.pipeline.answer(Q)
    assert replayed.text == recorded.text and not replayed.refused
    assert (second.chat_backend.file.hits, second.chat_backend.file.misses) == (1, 0) and other.llm.calls == []


def test_a_changed_prompt_asks_the_model_and_is_recorded(settings, tmp_path):
    base = make_app(settings)
    path = tmp_path / "replies.jsonl"
    _replaying(base, FakeBackend(), path).pipeline.answer(Q)
    model = FakeBackend(['{"ids": []}'])
    again = _replaying(base, model, path)
    assert again.pipeline.answer("Who will meet on the sidelines?").refused
    assert again.chat_backend.file.misses == 1 and len(model.llm.calls) == 1
    assert len(path.read_text().splitlines()) == 2


def test_replies_recorded_by_an_earlier_release_are_read(settings, tmp_path):
    """A replies file may hold the stage pipeline's check replies with their log-probabilities: read, the
    extra field ignored, and replayed where the prompt is the same."""
    base = make_app(settings)
    path = tmp_path / "replies.jsonl"
    _replaying(base, FakeBackend(), path).pipeline.answer(Q)
    row = json.loads(path.read_text())
    old = tmp_path / "old.jsonl"
    old.write_text(json.dumps({**row, "meta": {"logprobs": {"content": []}}}) + "\n", encoding="utf-8")
    again = base.sharing(chat_backend=ReplayBackend(FakeBackend(['{"ids": []}']), tmp_path / "new.jsonl", [old]))
    assert not again.pipeline.answer(Q).refused and again.chat_backend.file.hits == 1
