"""Kept conversations (a real SQLite file) and their export as Markdown/HTML with footnotes."""

from __future__ import annotations

import json
import sqlite3

import pytest

from rag.conversations import ConversationStore, title_of
from rag.errors import NotFoundError
from rag.export import answer_markdown, conversation_markdown, to_html
from rag.types import Answer, Citation, Evidence, Paragraph, Quote, SentenceCheck, Verdict
from tests.conftest import make_app


def _answer(q="When is the visit?", text="In September [EN ¶3].", refused=False) -> Answer:
    return Answer(
        q, text, "en", refused, (Citation("d", "en", 3, "In September, a visit.", ("Intro",), 2),),
        timings_ms={"total": 12.34}, verdict=Verdict(refused, "selected"),
        checks=(SentenceCheck("[1] In September, a visit.", "selected", "EN ¶3"),),
        evidence=(Evidence(Quote("d", "en", 3, "In September, a visit."), "EN ¶3 · Intro · p. 2",
                           (Paragraph("d", "zh", 3, "九月访问。"),)),),
    )


def test_answer_json_round_trip():
    a = _answer()
    assert Answer.from_json(json.loads(json.dumps(a.to_json()))).to_json() == a.to_json()


def test_an_answer_kept_by_an_earlier_release_still_opens():
    """Stored turns of the stage pipeline carry quotes, a version and claim-check outcomes: read, ignored."""
    old = _answer().to_json() | {"quotes": [{"doc": "d", "lang": "en", "paragraph": 3, "sentence": "In September."}],
                                 "version": "zh", "checks": [{"sentence": "In September [EN ¶3].", "outcome": "kept",
                                                              "reason": "", "draft": 2, "replaced_by": "x"}]}
    back = Answer.from_json(json.loads(json.dumps(old)))
    assert back.text == "In September [EN ¶3]." and back.checks == (SentenceCheck("In September [EN ¶3].", "kept"),)


def test_turns_survive_a_new_store_on_the_same_file(tmp_path):
    path = tmp_path / "c.sqlite3"
    cid = ConversationStore(path).add(None, _answer("When is the visit?"))
    ConversationStore(path).add(cid, _answer("And the summit?", "Later [EN ¶3]."))
    conv = ConversationStore(path).get(cid)  # "after a restart": a new store object on the same file
    assert conv.info.title == "When is the visit?" and conv.info.turns == 2
    assert [t.n for t in conv.turns] == [1, 2]
    assert conv.history == [("When is the visit?", "In September [EN ¶3]."), ("And the summit?", "Later [EN ¶3].")]
    assert conv.turns[0].answer.citations[0].section == ("Intro",)


def test_list_is_most_recent_first_and_delete_removes_turns(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    first = store.add(None, _answer("first?"))
    second = store.add(None, _answer("second?"))
    assert [c.id for c in store.list()] == [second, first]
    assert store.delete(first) is True and store.delete(first) is False
    assert [c.id for c in store.list()] == [second]
    with sqlite3.connect(tmp_path / "c.sqlite3") as con:
        assert con.execute("SELECT COUNT(*) FROM turns WHERE conversation = ?", (first,)).fetchone()[0] == 0


def test_adding_to_a_missing_conversation_stores_nothing(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    with pytest.raises(NotFoundError):
        store.add("nope", _answer())
    assert store.list() == []
    with pytest.raises(NotFoundError):
        store.require("nope")


def test_title_is_one_line_and_cut():
    assert title_of("a\n b") == "a b"
    assert len(title_of("x" * 200)) == 60 and title_of("x" * 200).endswith("…")


@pytest.fixture
def kept(settings):
    """A conversation of two real pipeline answers (fake models) over the sample, kept on disk."""
    app = make_app(settings)
    cid = None
    for q in ("When will Xi Jinping visit the United States?", "APEC和G20峰会在哪里举行？"):
        cid = app.conversations.add(cid, app.pipeline.answer(q))
    return app, app.conversations.require(cid)


def test_markdown_export_quotes_cited_paragraph_and_its_twin_as_footnotes(kept):
    app, conv = kept
    md = conversation_markdown(conv, app.retriever.document)
    assert md.count("## ") == 2
    doc = app.retriever.document(conv.turns[0].answer.citations[0].doc)
    # the EN ¶3 citation of the first answer and the ZH ¶3 one of the second: two footnotes
    assert "[^1]" in md.split("## 2.")[0] and "[^2]" in md.split("## 2.")[1]
    note1 = md.split("[^1]: ")[1]
    assert note1.startswith("**EN ¶3")
    assert doc.get("en", 3).text in note1 and doc.get("zh", 3).text in note1  # both languages quoted
    assert "[EN ¶3]" not in md.split("[^1]: ")[0]  # markers became footnote references


def test_one_turn_export(kept):
    app, conv = kept
    md = conversation_markdown(conv, app.retriever.document, turn=2)
    assert "## 2." in md and "## 1." not in md and "[^1]: **ZH ¶3" in md
    with pytest.raises(NotFoundError):
        conversation_markdown(conv, app.retriever.document, turn=3)


def test_html_export_has_linked_footnotes_and_escapes_document_markup():
    ans = Answer("q?", "It says so [EN ¶1].", "en", False, (Citation("d", "en", 1, "<script>alert(1)</script> [x](y)"),))
    page = to_html(answer_markdown(ans, lambda _doc: None), "q?")
    assert '<sup class="footnote-ref"><a href="#fn1"' in page and 'id="fn1"' in page
    assert "<script>" not in page and "&lt;script&gt;" in page and "<a href=\"y\"" not in page


def test_a_deleted_document_still_exports_the_kept_citation_text(kept):
    app, conv = kept
    md = conversation_markdown(conv, lambda _doc: None)
    assert conv.turns[0].answer.citations[0].text.split(".")[0] in md
    assert "(aligned)" not in md


def test_refused_answer_says_so():
    ans = Answer("q?", "The document does not answer this question.", "en", True, verdict=Verdict(True, "none-selected"))
    assert "_Not answered (none-selected)._" in answer_markdown(ans, lambda _d: None)
