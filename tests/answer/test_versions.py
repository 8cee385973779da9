"""A question that asks what one version says ("According to the Chinese version…", "英文版中…") is
answered from, cited to and quoted from that version (``Query.version``)."""

from __future__ import annotations

import pytest

from rag.text.versions import named_version
from tests.conftest import make_app, state_after


@pytest.mark.parametrize(
    "question, version",
    [
        ("According to the Chinese version, how many days did the visit last?", "zh"),
        ("Which month did he arrive, according to the Chinese text?", "zh"),
        ("What Chinese nickname does Redjue give in the Chinese version of the article?", "zh"),
        ("Which Chinese name does the Chinese README give the series?", "zh"),
        ("What Chinese term does the article use for check conduction?", "zh"),
        ("What is 一点五轨对话 called in the English version?", "en"),
        ("What is 勾选传导 called in English?", "en"),
        ("英文版把“勾选传导”译作什么？", "en"),
        ("表格组件的英文文档里，rowKey 属性是做什么用的？", "en"),
        ("文章中的 confidence-building measures 用中文怎么说？", "zh"),
        ("這篇文章的中文版標題是什麼？", "zh"),  # traditional script
        # a text named decides over a word named: the English version's Chinese name of something
        ("英文版中作者所在机构的中文名称是什么？", "en"),
        # the first version named is the one asked about
        ("In the Chinese version, what heading does the section the English version calls Cache get?", "zh"),
        # both versions side by side: a comparison, not one version
        ("Do the English and Chinese versions agree on the date?", None),
        ("中英文版本的日期一致吗？", None),
        # a language as a topic, or as the answer's language, is not a version
        ("What does the article say about Chinese text segmentation?", None),
        ("How does the Chinese government view the talks?", None),
        ("Answer in English: when were the summits held?", None),
        ("When are the APEC and G20 summits held?", None),
    ],
)
def test_the_version_a_question_names(question, version):
    assert named_version(question) == version


APEC_EN = "Toward the end of the year, the APEC and G20 summits are held in the two countries [EN ¶2]."


def test_a_question_about_the_chinese_version_is_answered_from_it(settings):
    """Its paragraphs come first in the prompt, and a sentence the model
    cites to the English paragraph is cited to the Chinese twin that supports it."""
    app = make_app(settings, ["YES", APEC_EN])
    state = state_after(app, "According to the Chinese version, when are the APEC and G20 summits held?", last="finish", k=2)
    assert state.q.version == "zh"
    body = [h for h in state.context if h.paragraph > 0]
    assert body[0].lang == "zh"
    assert state.answer is not None and not state.answer.refused
    assert {c.lang for c in state.answer.citations} == {"zh"}
    assert "[ZH ¶3]" in state.answer.text and "[EN" not in state.answer.text
    assert state.answer.version == "zh" and state.answer.to_json()["version"] == "zh"


def test_an_unscoped_question_keeps_its_own_language_first_and_cites_either_version(settings):
    app = make_app(settings, ["YES", APEC_EN])
    state = state_after(app, "When are the APEC and G20 summits held?", last="finish", k=2)
    assert state.q.version is None
    assert [h for h in state.context if h.paragraph > 0][0].lang == "en"
    assert "en" in {c.lang for c in state.answer.citations}


def test_a_chinese_question_about_the_english_version_is_cited_to_it(settings):
    reply = "年底，APEC和G20峰会分别在中美两国举行 [ZH ¶3]。"
    app = make_app(settings, ["YES", reply])
    state = state_after(app, "英文版中，APEC和G20峰会什么时候举行？", last="finish", k=2)
    assert state.q.version == "en"
    assert [h for h in state.context if h.paragraph > 0][0].lang == "en"
    assert state.answer is not None and not state.answer.refused
    assert {c.lang for c in state.answer.citations} == {"en"}


def test_the_title_of_a_named_version_is_that_versions_title():
    """A header reply for "the title of the Chinese version" gives the Chinese title, cited to the
    Chinese front matter; unscoped, it gives both titles as the header shows them."""
    from rag.answer.replies import header_reply
    from rag.answer.state import AnswerState
    from rag.answer.query import analyze
    from rag.types import Document, DocumentMeta, Paragraph, Verdict

    front_en = Paragraph("g", "en", 0, "title: A ghost of the build", kind="front")
    front_zh = Paragraph("g", "zh", 0, "title: 一个构建的幽灵", kind="front")
    doc = Document("g", "g.en.md + g.zh.md", DocumentMeta(title="A ghost of the build", title_zh="一个构建的幽灵"), (front_en, front_zh))
    for question, title, lang in (
        ("What is the title of the Chinese version of the article?", "一个构建的幽灵", "zh"),
        ("What is the title of the article?", "A ghost of the build (一个构建的幽灵)", "en"),
    ):
        state = AnswerState(question)
        state.query = analyze(question)
        state.fields = {"title": doc}
        state.lookup = lambda doc_id: doc
        header_reply(state, Verdict(False, "header-names"))
        assert f"“{title}”" in state.answer.text and f"[{lang.upper()} ¶0]" in state.answer.text
        assert [c.lang for c in state.answer.citations] == [lang]
