"""Language purity: other-language words an answer's cited paragraphs do not use are not in the answer."""

from __future__ import annotations

import pytest

from rag.answer.purity import foreign_words, purity_checks
from rag.answer.support import Support
from rag.index.embedder import FakeEmbedder
from tests.conftest import hit, make_app

ZH9 = "速度超过阈值之后会逐渐下降。在 package.json 中使用 ~ 描述版本号。tinycolor 只有 10KB。"


@pytest.mark.parametrize(
    "sentence, lang, expected",
    [
        ("超過之後會 gradual下降。", "zh", ["gradual"]),
        ("在 package.json 中用 ~ 描述版本号。", "zh", []),  # a term the paragraph itself writes in English
        ("TinyColor 大约 10KB，适合浏览器。", "zh", []),  # case-insensitive; a unit after a number
        ("设置 `showSizeChanger=false` 即可。", "zh", []),  # code
        ("The speed drops 很快 after the threshold (超过).", "en", ["很快"]),
        ("The speed drops gradually after the threshold.", "en", []),
    ],
)
def test_foreign_words(sentence, lang, expected):
    assert foreign_words(sentence, lang, [ZH9]) == expected


def test_a_mixed_sentence_is_removed_and_the_rest_kept():
    s = Support([hit("zh", 9, ZH9)], "速度什么时候下降？", FakeEmbedder(), 0.6)
    v = purity_checks("速度超过阈值之后会逐渐下降[ZH ¶9]。超過之後會 gradual下降[ZH ¶9]。", s, "zh")
    assert v.kept == ["速度超过阈值之后会逐渐下降[ZH ¶9]。"]
    assert v.checks[0].outcome == "removed" and "gradual" in v.checks[0].reason and v.form_only


def test_pipeline_drafts_again_in_the_answer_language_when_every_sentence_is_mixed(settings):
    q = "美俄中三方核对话怎么样？"
    first = "至于特朗普总统多次提出的美俄中三方核对话，则 seems 更不靠谱[ZH ¶13]。"
    again = "至于特朗普总统多次提出的美俄中三方核对话，则更不靠谱[ZH ¶13]。"
    app = make_app(settings.model_copy(update={"claim_check": False}), replies=["YES", first, again])
    ans = app.pipeline.answer(q)
    assert "seems" not in ans.text and "更不靠谱" in ans.text
    assert ans.checks[0].outcome == "removed" and "seems" in ans.checks[0].reason
    assert app.chat_backend.llm.calls[-1][-1].content.endswith("只用中文回答。")


def test_the_second_draft_is_checked_for_its_claims_too(settings):
    """The language check's second draft is new text: what it states that its citation does not
    ("共有37轮") is removed like a first draft's (found on a real README: a second draft's invented
    `pip uninstall fastchat`, cited to the paragraph that says "First, install FastChat:", was shown)."""
    q = "美俄中三方核对话怎么样？"
    first = "至于特朗普总统多次提出的美俄中三方核对话，则 seems 更不靠谱[ZH ¶13]。"
    again = "美俄中三方核对话共有37轮，将于明年举行[ZH ¶13]。"
    app = make_app(settings, replies=["YES", first, again])
    ans = app.pipeline.answer(q)
    assert "37轮" not in ans.text and "seems" not in ans.text
    second = [c for c in ans.checks if c.draft == 2]
    assert second and second[0].outcome == "removed" and "37" in second[0].reason


def test_a_term_the_documents_chinese_version_keeps_in_english_is_allowed(settings):
    from rag.answer.purity import PurityStage
    from rag.answer.state import AnswerState
    from tests.conftest import state_after

    app = make_app(settings)
    state = state_after(app, "美俄中三方核对话怎么样？", last="context")
    cited = next(h for h in state.context if h.lang == "zh" and "APEC" not in h.text)
    state.text = f"至于三方核对话 APEC 的说法则更不靠谱[{cited.lang.upper()} ¶{cited.paragraph}]。"
    state.user = state.system = ""
    v = PurityStage(app.pipeline.tools).verdicts(state, state.text)
    assert v.kept and not v.checks  # APEC: the sample's Chinese version writes it elsewhere
    state.text = state.text.replace("APEC", "gradual")
    assert not PurityStage(app.pipeline.tools).verdicts(state, state.text).kept


def test_a_chinese_clause_copied_into_an_english_answer_is_cut_and_recorded(settings):
    """The clause's words are all in the paragraph it cites, so word by word it passes; it is a clause,
    not a term, and is cut (a repair in ``checks``). Switched off, it stays (so the test can fail)."""
    reply = ("Trump's trilateral nuclear dialogue is even less realistic, as the Chinese version puts it: "
             "至于特朗普总统多次提出的美俄中三方核对话，则更不靠谱。 [ZH ¶13]")
    q = "What does the document say about the trilateral nuclear dialogue?"
    for on in (True, False):
        app = make_app(settings.model_copy(update={"claim_check": False, "quotes": False, "language_purity": on}),
                       replies=["YES", reply])
        ans = app.pipeline.answer(q)
        assert ("美俄中三方核对话" in ans.text) is not on and "even less realistic" in ans.text
        if on:
            assert any(c.outcome == "repaired" and "美俄中三方核对话" in c.reason for c in ans.checks)


def test_a_term_a_quotation_or_a_short_name_is_not_a_clause():
    from rag.answer.purity import drop_han_clauses

    for text in ("The Chinese README calls it 通义千问，and the English one Qwen [ZH ¶1].",
                 "The document writes “使用vLLM和FastChat运行Qwen之前，首先启动一个controller：” [ZH ¶253].",
                 "The title is 中美关系新变化的重大意义 [ZH ¶0]."):
        assert drop_han_clauses(text) == (text, [])
    text, cut = drop_han_clauses("You launch a controller by: 使用vLLM和FastChat运行Qwen之前，首先启动一个controller： python -m fastchat.serve.controller")
    assert text == "You launch a controller by: python -m fastchat.serve.controller" and cut[0].endswith("controller：")
