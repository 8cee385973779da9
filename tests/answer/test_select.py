"""The select call: its JSON schema, its prompt, and reading its reply."""

from __future__ import annotations

import pytest

from rag.answer.chat import Chat
from rag.answer.select import Selector, numbered, parse, schema
from rag.answer.units import build_units
from rag.llm import FakeBackend, FakeChatModel
from tests.answer.conftest import pair, small_doc


def test_the_schema_allows_only_the_numbers_of_the_units_shown():
    s = schema(3, 2)
    assert s["properties"]["ids"]["items"]["enum"] == [1, 2, 3] and s["properties"]["ids"]["maxItems"] == 2


@pytest.mark.parametrize("reply, want", [
    ('{"ids": [2, 1]}', (2, 1)),
    ('{"ids": []}', ()),
    ('{"ids": [9, 2, 2]}', (2,)),
    ("units 3 and 1", (3, 1)),
    ("none", ()),
    ('{"ids": [1, 2, 3, 4]}', (1, 2, 3)),
])
def test_a_reply_is_read_as_valid_unique_unit_numbers(reply, want):
    assert parse(reply, 4, 3) == want


def test_the_call_numbers_the_units_and_sends_the_schema(monkeypatch):
    doc = small_doc()
    units = build_units([pair(doc, 3, 3), pair(doc, 4, 4)], lambda _: doc, "en", sentence_chars=20)
    backend = FakeBackend(['{"ids": [3]}'])
    seen = {}
    real = FakeChatModel._generate

    def generate(self, messages, stop=None, run_manager=None, **kw):
        seen.update(kw)
        return real(self, messages, stop, run_manager, **kw)

    monkeypatch.setattr(FakeChatModel, "_generate", generate)
    got = Selector(Chat(backend), max_ids=2).select("What is the second sentence?", units, "en")
    assert got.ids == (3,) and got.raw == '{"ids": [3]}'
    user = backend.llm.calls[0][-1].content
    assert numbered(units) in user and "[1] Intro: the parts are as follows:\n    first part" in user
    assert seen["response_format"]["json_schema"]["schema"] == schema(len(units), 2)


def test_no_units_no_call():
    backend = FakeBackend()
    assert Selector(Chat(backend)).select("Anything?", (), "en").ids == () and backend.llm.calls == []
