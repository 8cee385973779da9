"""False premises (the premise stage)."""

from __future__ import annotations

import pytest

from rag.answer.premise import future_part
from tests.conftest import EN3, make_app


@pytest.mark.parametrize(
    "q, past",
    [("Which U.S. cities did Xi Jinping visit in September?", True), ("What was agreed?", True),
     ("Has the dialogue already resumed?", True), ("习近平9月访问了美国哪些城市？", True), ("雙方已經恢復對話了嗎？", True),
     ("Who is expected to visit the United States?", False), ("What will the leaders discuss?", False),
     ("习近平将访问美国吗？", False), ("双方为了什么目的对话？", False), ("文章如何通过对话解决问题", False),
     # somebody saying or expecting in the past, about an event that may be to come
     ("What did the author expect Xi Jinping to do in September?", False), ("What did the two sides agree to do?", False),
     ("文章提到了哪些对话？", False), ("王毅说了什么？", False)],
)
def test_past_tense_questions(q, past):
    from rag.answer.premise import asks_past

    assert asks_past(q) is past


def test_false_premise_needs_a_future_sentence_about_what_is_asked():
    from rag.answer.premise import false_premise, future_part
    from rag.types import Quote

    xi = Quote("d", "en", 3, EN3.split(". ")[0] + ".")
    assert future_part(xi.sentence).startswith(" pay a state visit")
    assert false_premise("Which U.S. cities did Xi Jinping visit in September?", xi)
    assert not false_premise("Which U.S. cities will Xi Jinping visit in September?", xi)  # not asked as past
    assert not false_premise("What did Xi Jinping say in September?", xi)  # nothing asked lies after the marker
    assert not false_premise("When did Xi visit?", Quote("d", "en", 1, "Xi paid a state visit in May."))  # no future
    zh = Quote("d", "zh", 3, "今年9月,习近平主席将应邀对美国进行国事访问。")
    assert false_premise("习近平9月对美国进行了哪些访问？", zh)
    assert not false_premise("双方已经将共识转化为行动了吗？", Quote("d", "zh", 9, "双方应尽快将两国元首达成的共识转化为具体行动。"))
    assert not false_premise("Which cities did Xi visit?", None)
    assert not false_premise("What did the author say Xi Jinping would do in September?", xi)  # the saying is past, not the visit


def test_false_premise_is_refused_with_the_sentence_only_when_the_lever_is_on(settings):
    q = "Which cities did Xi Jinping visit in September?"
    app = make_app(settings, replies=["YES", "He visited Washington [EN ¶3]."])
    ans = app.pipeline.answer(q)
    assert ans.refused and "is expected to pay a state visit" in ans.text and ans.text.startswith("The document does not say")
    assert [(c.lang, c.paragraph) for c in ans.citations] == [("en", 3)] and ans.quotes[0].paragraph == 3
    assert len(app.chat_backend.llm.calls) == 1  # refused after the check, before generating
    assert ans.verdict.rule == "false-premise" and "EN ¶3" in ans.verdict.reason
    zh = make_app(settings, replies=["YES", "他访问了华盛顿[ZH ¶3]。"]).pipeline.answer("習近平9月對美國進行了哪些訪問？")
    assert zh.refused and zh.text.startswith("文檔沒有說") and "將應邀" in zh.text  # traditional question, traditional refusal
    off = make_app(settings.model_copy(update={"premise_check": False}), replies=["YES", "He visited Washington [EN ¶3]."])
    assert not off.pipeline.answer(q).refused
    ok = make_app(settings, replies=["YES", "Trump visited China from May 13 to 15 [EN ¶1]."])
    assert not ok.pipeline.answer("When did Trump pay a state visit to China?").refused  # the sentence is in the past
    assert not make_app(settings, replies=["YES", "Xi Jinping [EN ¶3]."]).pipeline.answer(
        "Who is expected to pay a state visit to the United States in September?").refused


@pytest.mark.parametrize(
    "sentence, later",
    [
        ("习近平预计将于九月访问美国", "将于九月访问美国"),
        ("拟于明年举行", "于明年举行"),
        ("虚拟列表支持滚动", ""),  # 拟 inside 虚拟 "virtual"
        ("计划的细节已经公布", ""),  # the noun 计划 "a plan"
        ("双方将共识转化为行动", ""),  # 将 marking the object
    ],
)
def test_chinese_future_markers_are_words_not_characters(sentence, later):
    assert future_part(sentence) == later
