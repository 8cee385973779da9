"""The claim check: each answer sentence supported by the paragraph it cites, or removed (and why)."""

from __future__ import annotations

import pytest

from rag.answer.support import Support, check_sentences, circular, restates, truncated
from rag.index.embedder import FakeEmbedder
from tests.conftest import EN3, hit, make_app

P5 = "The bundle got smaller after the change. It went from 450KB to 437KB, a drop of 13KB."
P7 = "We use Jest for unit tests. Every pull request runs them."
ZH7 = "我们使用 Jest 进行单元测试。每个拉取请求都会运行它们。"


def support(question: str, *hits, min_similarity: float = 0.6) -> Support:
    return Support(list(hits), question, FakeEmbedder(), min_similarity, twin_of=lambda doc, lang, n: n)


def test_a_sentence_stating_a_number_its_paragraph_does_not_is_removed_and_the_rest_kept():
    s = support("How much smaller did the bundle get?", hit("en", 5, P5))
    v = check_sentences("The bundle got smaller after the change [EN ¶5]. It got 1.5 kilobytes smaller [EN ¶5].", s, False)
    assert v.kept == ["The bundle got smaller after the change [EN ¶5]."]
    assert [(c.outcome, c.reason) for c in v.checks] == [("kept", ""), ("removed", "states 1.5, which [EN ¶5] does not")]
    assert not v.form_only


def test_a_fact_cited_to_the_wrong_paragraph_is_cited_to_the_one_that_states_it():
    s = support("Which framework runs the unit tests?", hit("en", 72, "Running the project"), hit("en", 7, P7))
    v = check_sentences("Unit tests run with Jest [EN ¶72].", s, False)
    assert v.kept == ["Unit tests run with Jest [EN ¶7]."]
    assert v.checks[0].outcome == "recited" and "Jest" in v.checks[0].reason and v.checks[0].replaced_by == v.kept[0]


ZH11 = "Qwen、Qwen-Chat 和 Qwen-VL 的基础模型已经稳定训练了大规模高质量且多样化的数据，覆盖多语言（当前以中文和英文为主）。"
EN11 = "The base models of Qwen, Qwen-Chat and Qwen-VL are trained on high-quality data covering multiple languages, mainly Chinese and English."


def test_a_name_the_cited_paragraph_writes_in_han_is_found_in_its_aligned_twin_and_both_are_cited():
    s = support("Which languages make up most of the data?", hit("zh", 11, ZH11), hit("en", 11, EN11))
    v = check_sentences("The data is mainly Chinese and English [ZH ¶11].", s, False)
    assert v.kept == ["The data is mainly Chinese and English [ZH ¶11] [EN ¶11]."]
    assert v.checks[0].outcome == "recited" and "[ZH ¶11] [EN ¶11] do" in v.checks[0].reason
    alone = support("Which languages make up most of the data?", hit("zh", 11, ZH11))  # no twin in the context
    assert check_sentences("The data is mainly Chinese and English [ZH ¶11].", alone, False).kept == []


def test_a_question_about_one_version_is_never_recited_to_the_other():
    zh72 = "运行项目"
    both = [hit("zh", 72, zh72), hit("en", 7, P7), hit("zh", 7, ZH7)]
    unscoped = Support(both, "Which framework runs the unit tests?", FakeEmbedder(), 0.6, twin_of=lambda d, l, n: None)
    assert check_sentences("Unit tests run with Jest [ZH ¶72].", unscoped, False).kept == ["Unit tests run with Jest [EN ¶7]."]
    scoped = Support(both, "Which framework runs the unit tests?", FakeEmbedder(), 0.6, twin_of=lambda d, l, n: None, scope="zh")
    assert check_sentences("Unit tests run with Jest [ZH ¶72].", scoped, False).kept == ["Unit tests run with Jest [ZH ¶7]."]

def test_content_no_sentence_of_the_paragraph_says_is_removed_even_without_numbers_or_names():
    s = support("What caused the duplicated content?", hit("en", 14, P7))
    v = check_sentences("It was caused by a stray file in the same directory as the main stylesheet [EN ¶14].", s, False)
    assert v.kept == [] and v.checks[0].reason.startswith("no sentence of [EN ¶14] says this")


def test_a_paraphrase_sharing_most_words_with_the_paragraph_or_its_twin_is_kept():
    # the fake embedder knows no synonyms; the words shared with the cited paragraph (or its twin) carry it
    s = support("哪个框架用于单元测试？", hit("zh", 7, ZH7), hit("en", 7, P7))
    v = check_sentences("Jest is used for the unit tests, which every pull request runs [ZH ¶7].", s, False)
    assert v.kept and v.checks[0].outcome == "kept"


@pytest.mark.parametrize(
    "sentence, question, polar, expected",
    [
        ("The Tree component was first added to antd, as stated in [EN ¶1].", "In which year was the Tree component first added to antd?", False, True),
        ("作者认为中美关系会改善[ZH ¶3]。", "作者认为中美关系会改善吗？", True, True),
        ("是的，作者认为中美关系会改善[ZH ¶3]。", "作者认为中美关系会改善吗？", True, False),
        ("Ant Design uses Jest for unit tests.", "Which framework does Ant Design use for unit tests?", False, False),
        ("在 package.json 中，Ant Design 用 ~ 来允许 patch 版本更新。", "在 package.json 中，Ant Design 用哪个符号来允许 patch 版本更新？", False, False),
        ("如果类型和颜色与变体同时存在，优先使用颜色与变体。", "如果类型和颜色与变体同时存在，会优先使用哪一个？", False, False),  # the option chosen
    ],
)
def test_a_restatement_of_the_question_says_nothing_new(sentence, question, polar, expected):
    assert restates(sentence, question, polar) is expected


def test_circular_and_cut_off_sentences():
    q = "Why does the library pay an extra cost?"
    assert circular("The library pays an extra cost because it has to pay an extra cost.", q)
    assert not circular("The library pays an extra cost because it serializes the styles again on every render.", q)
    assert truncated("It compares the implementation of the exist") and truncated("它会在写入之前")
    assert not truncated("It is done.") and not truncated("它完成了。") and not truncated("Set `wave` to `false`")
    assert not truncated("Title: T | Published on: June 22, 2026")
    # a command copied whole ends as its line of the cited paragraph does; a cut word does not
    code = "# install\npip install -r requirements_web_demo.txt"
    assert not truncated("First install the packages: pip install -r requirements_web_demo.txt", [code])
    assert truncated("First install the packages: pip install -r requirements_web", [code])
    assert truncated("It compares the implementation of the exist", ["the implementation of the existing one"])


def test_a_cut_off_last_sentence_is_removed_as_form_and_a_supported_one_kept():
    s = support("When are the summits held?", hit("en", 3, EN3))
    v = check_sentences("The APEC and G20 summits are held toward the end of the year [EN ¶3]. They are expected to meet on the", s, False)
    assert [c.outcome for c in v.checks] == ["kept", "removed"] and v.checks[1].reason == "stops mid-sentence"


def test_pipeline_refuses_when_no_sentence_is_supported_and_records_each_check(settings):
    app = make_app(settings, replies=["YES", "The summits were moved to 2031 by a vote of 57 members [EN ¶3]."])
    ans = app.pipeline.answer("How many votes did the APEC and G20 summits get in the two countries?")
    assert ans.refused and ans.verdict.rule == "nothing-supported" and "2031" not in ans.text
    js = ans.to_json()
    removed = [c for c in js["checks"] if c["outcome"] == "removed"]
    assert js["decided_by"]["rule"] == "nothing-supported" and len(removed) == 1 and "57" in removed[0]["reason"]
    assert [c["outcome"] for c in js["checks"]] == ["repaired", "removed"]  # the year first cut, then the sentence judged


def test_an_invention_is_replaced_by_the_source_sentence_when_one_answers_the_question(settings):
    app = make_app(settings, replies=["YES", "The summits were moved to 2031 by a vote of 57 members [EN ¶3]."])
    ans = app.pipeline.answer("When are the APEC and G20 summits held?")
    assert not ans.refused and "57" not in ans.text and "2031" not in ans.text
    assert "“Toward the end of the year, as the APEC and G20 summits are held" in ans.text
    assert ans.citations[0].label == "EN ¶3" and [c.outcome for c in ans.checks] == ["repaired", "removed"]


def test_an_answer_that_only_restates_the_question_is_drafted_once_more(settings):
    q = "When are the APEC and G20 summits held?"
    again = "The summits are held toward the end of the year in the two countries [EN ¶3]."
    app = make_app(settings, replies=["YES", "The APEC and G20 summits are held [EN ¶3].", again])
    ans = app.pipeline.answer(q)
    assert not ans.refused and ans.text.startswith("The summits are held toward the end of the year")
    assert [(c.outcome, c.draft) for c in ans.checks] == [("removed", 1), ("kept", 2)]
    assert "do not repeat the question" in app.chat_backend.llm.calls[-1][-1].content


def test_a_second_failed_draft_gives_the_extractive_answer(settings):
    q = "When are the APEC and G20 summits held?"
    app = make_app(settings.model_copy(update={"quotes": False}), replies=["YES", "The APEC and G20 summits are held [EN ¶3].", "The APEC and G20 summits are held."])
    ans = app.pipeline.answer(q)
    assert not ans.refused and "“" in ans.text and "APEC and G20 summits" in ans.text
    assert ans.citations and all(c.text for c in ans.citations)


def test_switched_off_the_answer_is_left_as_drafted(settings):
    reply = ["YES", "The summits were moved to 2031 by a vote of 57 members [EN ¶3]."]
    app = make_app(settings.model_copy(update={"claim_check": False}), replies=reply)
    ans = app.pipeline.answer("When are the APEC and G20 summits held?")
    assert "57 members" in ans.text and ans.checks == ()


def test_an_answer_to_a_question_about_the_author_is_checked_too(settings):
    """"作者认为…吗？" mentions the author, so the context carries the header; the answer is still the
    model's and is checked: repeating the question is no answer."""
    q = "作者认为中美关系的新定位足够吗？"
    app = make_app(settings, replies=["YES", "作者认为中美关系的新定位足够[ZH ¶5]。", "作者认为中美关系的新定位足够[ZH ¶5]。"])
    ans = app.pipeline.answer(q)
    assert ans.checks and ans.checks[0].outcome == "removed" and "repeats the question" in ans.checks[0].reason
    assert ans.text != "作者认为中美关系的新定位足够[ZH ¶5]。"
