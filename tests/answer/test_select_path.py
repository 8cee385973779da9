"""The select path with fakes: units, the select call's schema and parsing, compose, the verdict, and the
pipeline over a real Chroma index in a temp dir."""

from __future__ import annotations

import re

import pytest

from rag.answer.compose import compose
from rag.answer.decide import coverage, decide
from rag.answer.select import parse, schema
from rag.answer.units import Unit, build_units
from rag.index.retrieve import PairHit
from rag.types import Document, DocumentMeta, Hit, Paragraph

EN = """# Themes

There are two obstacles to dynamic themes based on CSS variables:

- Old browsers such as IE11 do not support CSS variables.
- Variables cannot be computed at runtime by the algorithm.

The first release came out in 2019. It was written by a small team. The team grew over the next years \
as more people joined. Today it is maintained by volunteers from many countries. They meet every month.

| Option | Default |
|---|---|
| wave | true |
| size | middle |

Install it with:

```bash
npm install themes
```
"""

ZH = """# 主题

基于 CSS 变量实现动态主题有两个障碍：

- 旧浏览器（例如 IE11）不支持 CSS 变量。
- 变量无法在运行时由算法计算。

第一个版本于 2019 年发布。它由一个小团队编写。此后几年团队不断壮大。如今它由来自许多国家的志愿者维护。他们每月开会一次。

| 选项 | 默认值 |
|---|---|
| wave | true |
| size | middle |

安装方法：

```bash
npm install themes
```

只有中文版写了这一段：主题文件放在 themes 目录下。
"""


def _doc() -> Document:
    paras = [
        Paragraph("d", "en", 1, "Intro: the parts are as follows:", ("T",)),
        Paragraph("d", "en", 2, "first part", ("T",), kind="list"),
        Paragraph("d", "en", 3, "second part", ("T",), kind="list"),
        Paragraph("d", "en", 4, "One. Two is here. Three is longer than the others and ends.", ("T",)),
        Paragraph("d", "zh", 1, "简介：各部分如下：", ("T",)),
        Paragraph("d", "zh", 2, "第一部分", ("T",), kind="list"),
        Paragraph("d", "zh", 3, "第二部分", ("T",), kind="list"),
        Paragraph("d", "zh", 4, "一。二在这里。", ("T",)),
        Paragraph("d", "zh", 5, "只有中文。", ("T",)),
    ]
    return Document("d", "d.md", DocumentMeta(), tuple(paras), alignment=((1, 1), (2, 2), (3, 3), (4, 4)))


def _pair(doc: Document, en: int | None, zh: int | None, score: float = 0.9) -> PairHit:
    def hit(lang, n):
        return Hit("d", lang, n, doc.get(lang, n).text, score) if n else None
    return PairHit("d", hit("en", en), hit("zh", zh), score)


def test_a_retrieved_list_item_brings_its_lead_in_and_siblings_with_their_twins():
    doc = _doc()
    units = build_units([_pair(doc, 3, 3)], lambda _: doc, "en")
    assert len(units) == 1
    assert [p.n for p in units[0].paragraphs] == [1, 2, 3]
    assert [t.n for t in units[0].twins] == [1, 2, 3] and units[0].twins[0].lang == "zh"


def test_a_lead_in_brings_the_block_it_announces():
    doc = _doc()
    units = build_units([_pair(doc, 1, 1)], lambda _: doc, "zh")
    assert [p.n for p in units[0].paragraphs] == [1, 2, 3] and units[0].lang == "zh"


def test_a_long_paragraph_is_offered_sentence_by_sentence_and_a_paragraph_without_twin_in_its_own_language():
    doc = _doc()
    units = build_units([_pair(doc, 4, 4), _pair(doc, None, 5)], lambda _: doc, "en", sentence_chars=20)
    assert [u.text for u in units[:3]] == ["One.", "Two is here.", "Three is longer than the others and ends."]
    assert units[3].lang == "zh" and units[3].paragraphs[0].n == 5 and not units[3].twins
    assert [u.id for u in units] == [1, 2, 3, 4]


def test_units_stop_at_the_token_budget_but_the_first_always_comes():
    doc = _doc()
    units = build_units([_pair(doc, 4, 4), _pair(doc, 3, 3)], lambda _: doc, "en", budget_tokens=1)
    assert len(units) == 1


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


def test_compose_quotes_units_verbatim_in_document_order_and_cites_them_and_their_twins():
    doc = _doc()
    units = build_units([_pair(doc, 4, 4), _pair(doc, 2, 2)], lambda _: doc, "en", sentence_chars=20)
    chosen = [u for u in units if u.text in ("Three is longer than the others and ends.", "One.")] + [units[-1]]
    draft = compose(chosen, "en")
    lines = draft.text.split("\n\n")
    assert lines[0].startswith("Intro: the parts are as follows: [EN ¶1]\n- first part [EN ¶2]\n- second part [EN ¶3]")
    assert lines[1] == "One. Three is longer than the others and ends. [EN ¶4]"
    keys = {(c.lang, c.paragraph) for c in draft.citations}
    assert {("en", 1), ("en", 4), ("zh", 4), ("zh", 1)} <= keys
    assert all(c.text == doc.get(c.lang, c.paragraph).text for c in draft.citations)


def test_a_unit_only_the_other_version_has_is_quoted_under_a_note_and_traditional_is_converted():
    doc = _doc()
    units = build_units([_pair(doc, None, 5)], lambda _: doc, "en")
    assert compose(units, "en").text == "Only the Chinese version states this:\n只有中文。 [ZH ¶5]"
    units = build_units([_pair(doc, 2, 2)], lambda _: doc, "zh")
    assert "簡介" in compose(units, "zh-Hant").text


def test_every_line_of_a_composed_answer_is_stated_by_a_cited_paragraph():
    """Checked without the composer's code: markers, bullets and fences off, each line in a citation."""
    doc = _doc()
    units = build_units([_pair(doc, 4, 4), _pair(doc, 2, 2), _pair(doc, None, 5)], lambda _: doc, "en", sentence_chars=20)
    draft = compose(units, "en")
    texts = [c.text for c in draft.citations]
    for line in draft.text.splitlines():
        body = re.sub(r"\s*\[(EN|ZH) ¶\d+\]", "", line).removeprefix("- ").strip()
        if not body or body.startswith("```") or body == "Only the Chinese version states this:":
            continue
        for sentence in re.split(r"(?<=\.) ", body):
            assert any(sentence in t for t in texts), sentence


def test_the_verdict_names_its_rule():
    doc = _doc()
    units = build_units([_pair(doc, 4, 4)], lambda _: doc, "en", sentence_chars=20)
    assert decide((), (), None, 0.5).rule == "no-sources"
    assert decide(units, (), None, 0.5).rule == "none-selected"
    cov = coverage("When does the volunteer team meet?", units[1:2])
    assert cov.missing and decide(units, units[1:2], cov, 0.9).rule == "terms-missing"
    cov = coverage("How many parts are there?", units)
    assert "many" not in cov.terms  # a question word names nothing
    assert decide(units, units, coverage("Three others", units), 0.5).refused is False


@pytest.fixture
def pair_app(tmp_path, settings):
    from ingest.targets import Target
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend

    (tmp_path / "themes.en.md").write_text(EN, encoding="utf-8")
    (tmp_path / "themes.zh.md").write_text(ZH, encoding="utf-8")

    def make(replies):
        app = App(settings.model_copy(update={"answer_path": "select"}), embedder=FakeEmbedder(),
                  chat_backend=FakeBackend(replies))
        app.indexer.ingest([Target("themes", tmp_path / "themes.en.md", tmp_path / "themes.zh.md")], progress=False)
        return app
    return make


def _events(app, question, **kw):
    return list(app.pipeline.stream(question, **kw))


def test_the_pipeline_answers_with_the_units_the_model_selects_after_the_evidence(pair_app):
    app = pair_app([])
    events = _events(app, "What are the two obstacles to dynamic themes based on CSS variables?")
    kinds = [e.kind for e in events]
    assert kinds.index("evidence") < kinds.index("token") < kinds.index("answer")
    ans = events[-1].answer
    assert not ans.refused and ans.verdict.rule == "selected"
    assert "- Old browsers such as IE11 do not support CSS variables." in ans.text
    assert "- Variables cannot be computed at runtime by the algorithm." in ans.text
    assert [c for c in ans.checks if c.outcome == "selected"]
    assert len(app.chat_backend.llm.calls) == 1  # one model call: the select call
    system = app.chat_backend.llm.calls[0][0].content
    assert '"ids"' in system and ans.evidence and ans.timings_ms["evidence"] <= ans.timings_ms["select"]


def test_the_pipeline_refuses_when_the_model_selects_nothing(pair_app):
    app = pair_app(['{"ids": []}'])
    ans = app.pipeline.answer("What are the two obstacles to dynamic themes?")
    assert ans.refused and ans.verdict.rule == "none-selected" and not ans.citations
    assert ans.text == "The document does not answer this question."


def test_the_pipeline_refuses_a_selection_without_the_questions_key_terms(pair_app):
    app = pair_app(['{"ids": [1]}'])
    ans = app.pipeline.answer("Which database engine stores the telemetry of the themes service?")
    assert ans.refused and ans.verdict.rule == "terms-missing" and "telemetry" in ans.verdict.reason


def test_a_chinese_question_is_answered_from_the_chinese_version_in_traditional_when_asked(pair_app):
    app = pair_app([])
    ans = app.pipeline.answer("基於 CSS 變量實現動態主題有哪些障礙？")
    assert ans.answer_language == "zh-Hant" and not ans.refused
    assert "舊瀏覽器" in ans.text and all(c.lang in ("zh", "en") for c in ans.citations)


def test_a_follow_up_costs_one_rewrite_call_and_one_select_call(pair_app):
    app = pair_app(["How do I install the themes?", '{"ids": [1]}'])
    ans = app.pipeline.answer("and how do I install it?", history=[("What are the themes?", "Themes [EN ¶1]")])
    assert ans.standalone_question == "How do I install the themes?"
    assert len(app.chat_backend.llm.calls) == 2
