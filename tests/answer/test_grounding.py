"""Grounding: names the documents never mention, names they write another way (the gloss stage and the verdict's grounding rules)."""

from __future__ import annotations

from rag.answer.grounding import gloss, name_variants, unglossed, ungrounded_terms
from tests.conftest import make_app


def test_acronyms_the_document_never_uses_are_ungrounded():
    texts = ["China hosts the APEC and G20 summits", "中国加强建立信任措施(CBM)", "AI军事应用对话"]
    assert ungrounded_terms("What is China's GDP growth rate?", texts) == ["GDP"]
    assert ungrounded_terms("文章提到的中国GDP增长率是多少？", texts) == ["GDP"]
    assert ungrounded_terms("What does CBM stand for?", texts) == []
    assert ungrounded_terms("How do AI talks fit in?", texts) == []
    assert ungrounded_terms("WHAT DID THE SUMMIT AGREE?", texts) == []  # typed in capitals: not acronyms


def test_a_question_with_an_unknown_acronym_is_refused_without_asking_the_model(settings):
    app = make_app(settings, replies=["YES", "It grew by 5 percent."])
    ans = app.pipeline.answer("What is China's GDP growth rate?")
    assert ans.refused
    assert app.chat_backend.llm.calls == []  # the code refused before any model call


class TableEmbedder:
    """Unit vectors by name: names in one group are 0.9 similar, any others 0 (a stand-in for what
    the real embedder measures: 川普~特朗普 0.88, 拜登~特朗普 0.78, Biden~Trump 0.72)."""

    groups = [("川普", "特朗普", "Trump"), ("Putin", "普京")]

    def embed_documents(self, texts):
        import math
        import zlib

        out = []
        for t in texts:
            g = next((i for i, grp in enumerate(self.groups) if t in grp), None)
            v = [0.0] * (len(self.groups) + 4096)
            spare = len(self.groups) + zlib.crc32(t.encode()) % 4096  # a dimension of its own (deterministic)
            if g is None:
                v[spare] = 1.0
            else:
                v[g] = 0.95  # two names of a group: 0.95² ≈ 0.90 similar
                v[spare] = math.sqrt(1 - 0.95**2)
            out.append(v)
        return out


def test_names_the_documents_write_another_way_are_their_variants():
    texts = ["特朗普总统于5月访华。", "President Putin met Trump.", "她搬到了新西兰。"]
    emb = TableEmbedder()
    missing = ungrounded_terms("川普總統何時訪華？", texts) + ungrounded_terms("她搬到了紐西蘭嗎？", texts)
    assert missing == ["川普", "纽西兰"]  # the question's terms are read in simplified script
    assert name_variants(missing, texts, emb, 0.82) == {"川普": "特朗普", "纽西兰": "新西兰"}
    assert name_variants(["拜登"], texts, emb, 0.82) == {}  # another person is not a variant
    assert gloss("川普總統何時訪華？", {"川普": "特朗普"}) == ("川普（特朗普）總統何時訪華？", [("川普", "特朗普")])
    assert unglossed("川普（特朗普）总统5月访华[ZH ¶1]。", [("川普", "特朗普")]) == "川普总统5月访华[ZH ¶1]。"


def test_pipeline_answers_a_question_with_a_name_variant_only_when_switched_on(settings):
    from rag.answer.verdict import decide
    from tests.conftest import state_after

    app = make_app(settings)
    q = "川普總統何時訪華？"
    tools = app.pipeline.tools
    state = state_after(app, q, last="context")
    on = tools.__class__(tools.settings, tools.retriever, TableEmbedder(), tools.chat, tools.matcher)
    decide(state, on, "retrieved")
    assert state.answer is None and state.variants == {"川普": "特朗普"}
    off = make_app(settings.model_copy(update={"name_variants": False}))
    ans = off.pipeline.answer(q)
    assert ans.refused and ans.verdict.rule == "ungrounded-terms" and off.chat_backend.llm.calls == []


def test_a_common_word_jieba_tags_as_a_person_is_not_a_name():
    """jieba's dictionary tags 许可 (licence) and 文明 as persons' names; they occur inside other,
    non-name dictionary words (未经许可, 行政许可), which real names rarely do."""
    from rag.answer.grounding import question_terms
    from rag.text.chinese import mistagged_persons

    common = mistagged_persons()
    assert {"许可", "文明", "卫星"} <= common and not {"特朗普", "毛泽东", "习近平"} & common
    assert "许可" not in question_terms("Qwen 的源代码采用什么许可协议？")
    assert "特朗普" in question_terms("特朗普和王毅说了什么？")


def test_a_language_and_the_kind_of_word_asked_for_is_not_a_name():
    """jieba tags 英文名 as a person's name; "作者自我介绍用的英文名" names no one the documents must mention."""
    from rag.answer.grounding import question_terms

    assert question_terms("作者开头自我介绍用的英文名是什么？") == []
    assert "英文名" not in question_terms("“通义千问”的英文名是什么？")
    assert "特朗普" in question_terms("特朗普的英文名是什么？")
