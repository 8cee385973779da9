"""The context: the header apart from the body (the context stage)."""

from __future__ import annotations

import re

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


def _pair(en_text: str, zh_text: str, en_score: float = 0.5, zh_score: float = 0.4):
    from rag.index.retrieve import PairHit
    from rag.types import Hit

    en, zh = Hit("d", "en", 3, en_text, en_score), Hit("d", "zh", 3, zh_text, zh_score)
    return PairHit("d", en, zh, (en_score + zh_score) / 2)


def test_lean_context_keeps_the_twin_only_when_it_adds_a_fact():
    from rag.answer.context import members

    same = _pair("The summits are held in November 2026.", "峰会于2026年11月举行。", 0.5, 0.5)
    assert [h.lang for h in members(same, "en", ())] == ["en"]  # the twin states nothing new
    assert [h.lang for h in members(same, "zh", ())] == ["zh"]
    more = _pair("The summits are held in November.", "峰会于2026年11月在利马举行。")
    assert [h.lang for h in members(more, "en", ())] == ["en", "zh"]  # 2026 only in the twin
    named = _pair("按钮有四种类型。", "There are four types: Primary, Default, Dashed and Text buttons.", 0.4, 0.5)
    assert [h.lang for h in members(named, "zh", ())] == ["zh"]  # a Chinese text writes no Latin names to compare
    term = _pair("Qwen is a family of models.", "通义千问（Qwen）是一系列模型。")
    assert [h.lang for h in members(term, "en", ("通义千问",))] == ["en", "zh"]  # the question's term
    better = _pair("Something else.", "峰会在年底举行。", en_score=0.2, zh_score=0.6)
    assert [h.lang for h in members(better, "en", ())] == ["en", "zh"]  # the twin matched the question better
    assert [h.lang for h in members(same, "en", None)] == ["en", "zh"]  # switched off: both, always


def test_lean_context_shortens_the_prompt_and_the_switch_restores_both_versions(settings):
    q = "When are the APEC and G20 summits held?"
    lean = state_after(make_app(settings.model_copy(update={"lean_context": True})), q, k=2)
    full = state_after(make_app(settings.model_copy(update={"lean_context": False})), q, k=2)
    assert len(lean.sources) < len(full.sources)
    assert {h.lang for h in full.context if h.paragraph} == {"en", "zh"}
    assert len(lean.context) < len(full.context) and lean.sources.startswith("[EN ¶")
