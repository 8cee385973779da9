"""The context: the header apart from the body (the context stage)."""

from __future__ import annotations

import re

from ingest.indexer import indexer_for
from tests.conftest import make_app, state_after


def test_full_header_for_every_question_when_switched_off(settings):
    app = make_app(settings.model_copy(update={"header_for_meta_only": False}))
    state = state_after(app, "When are the APEC and G20 summits held?", k=2)
    assert "Tuosheng Zhang" in state.header and "June 22, 2026" in state.header


def test_header_has_byline_and_date_only_for_questions_about_the_article(app):
    header = state_after(app, "When are the APEC and G20 summits held?", k=2).header
    assert "Title:" in header and "June 22" not in header and "Tuosheng" not in header
    header = state_after(app, "Who wrote this article and when was it published?", k=2).header
    assert "Tuosheng Zhang" in header and "June 22, 2026" in header
    zh_header = state_after(app, "这篇文章的作者是谁？", k=2).header
    assert "作者" in zh_header and "发表日期" in zh_header


def test_adaptive_context_keeps_only_close_pairs(settings):
    wide = make_app(settings.model_copy(update={"pair_margin": 10.0}))
    narrow = make_app(settings.model_copy(update={"pair_margin": 0.0}))
    q = "When are the APEC and G20 summits held?"
    n_wide = len([h for h in wide.pipeline.answer(q).retrieved])
    ans = narrow.pipeline.answer(q)
    system = [c for c in narrow.chat_backend.llm.calls if c[0].content][0][0].content
    assert len(re.findall(r"^\[EN ¶[1-9]", system, re.M)) == 1  # one pair in the context
    wide_system = [c for c in wide.chat_backend.llm.calls if c[0].content][0][0].content
    assert len(re.findall(r"^\[EN ¶[1-9]", wide_system, re.M)) == 2
    assert n_wide and ans.citations


def test_a_question_may_name_the_document_by_its_file_name_or_title():
    from rag.answer.context import document_labels
    from rag.types import Document, DocumentMeta

    doc = Document("qwen", "/x/README.en.md + /x/README.zh.md", DocumentMeta(title="Qwen"), ())
    assert document_labels(doc) == ["README", "Qwen", "", "qwen"]


def test_a_question_asked_of_the_library_reads_one_document(settings, tmp_path):
    """Two documents' paragraphs in one context share labels ([EN ¶3] of each) and a small model blends
    them into one answer ("the format property of ColorPicker accepts … layer_past", from a README): the
    context holds the pairs of the best pair's document only. Switched off, the second document's
    paragraph joins (so the test can fail); a question asked of chosen documents is not widened."""
    note = tmp_path / "summits.md"
    note.write_text("# Summit notes\n\nThe APEC and G20 summits are held toward the end of the year, the "
                    "harbor bulletin says.\n", encoding="utf-8")
    q = "When are the APEC and G20 summits held?"
    docs = {}
    for one in (True, False):
        app = make_app(settings.model_copy(update={"pair_margin": 10.0, "one_document": one}))
        indexer_for(app).write([indexer_for(app).prepare_path(note)], progress=False)
        state = state_after(app, q)
        docs[one] = {p.doc for p in state.pairs}
        assert {h.doc for h in state.context} == docs[one]
    assert len(docs[True]) == 1 and docs[False] == {"000_e8aec6b6a6faab82", "summits"}
    state = state_after(app, q, docs=["summits"])
    assert {p.doc for p in state.pairs} == {"summits"}
