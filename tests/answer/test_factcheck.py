"""Years no source states are cut from the answer (the claim check's repair, before it judges sentences)."""

from __future__ import annotations

import pytest

from rag.answer.factcheck import drop_false_romanisations, drop_unsupported_years, unsupported_years
from tests.conftest import make_app


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("Trump visited China on May 13, 2019 [ZH ¶1].", "Trump visited China on May 13 [ZH ¶1]."),
        ("特朗普于2019年5月13日至15日访华[ZH ¶1]。", "特朗普于5月13日至15日访华[ZH ¶1]。"),
        ("特朗普 visit China 是在 2019 年 5 月 13 日[ZH ¶1]。", "特朗普 visit China 是在 5 月 13 日[ZH ¶1]。"),
        ("It happened in 2017.", "It happened."),
        ("The article was published on June 22, 2026.", "The article was published on June 22, 2026."),
    ],
)
def test_years_no_source_states_are_removed(answer, expected):
    out, removed = drop_unsupported_years(answer, ["今年5月13日至15日", "June 22, 2026"])
    assert out == expected
    assert removed == unsupported_years(answer, ["今年5月13日至15日", "June 22, 2026"])


def test_the_claim_check_cuts_an_invented_year_and_keeps_the_sentence(settings):
    reply = ["YES", "The summits are held toward the end of 2031 [EN ¶3]."]
    ans = make_app(settings, replies=list(reply)).pipeline.answer("When are the APEC and G20 summits held?")
    assert "2031" not in ans.text and "toward the end [EN ¶3]." in ans.text
    assert ans.checks[0].outcome == "repaired" and "2031" in ans.checks[0].reason
    off = make_app(settings.model_copy(update={"claim_check": False, "quotes": False}), replies=list(reply))
    assert "2031" in off.pipeline.answer("When are the APEC and G20 summits held?").text


@pytest.mark.parametrize(
    "answer, sources, expected",
    [
        # a guessed romanisation is cut with its brackets
        ('It uses the term "勾选传导" (goukou konggong) for it [ZH ¶0].', ["勾选传导"], 'It uses the term "勾选传导" for it [ZH ¶0].'),
        ("它叫勾选传导（gou konggong）。", ["勾选传导"], "它叫勾选传导。"),
        # the right pinyin, a translation, a source's own gloss are kept
        ("It is called 勾选传导 (gouxuan chuandao).", ["勾选传导"], "It is called 勾选传导 (gouxuan chuandao)."),
        ("It is called 勾选传导 (Gouxuan Chuandao).", ["勾选传导"], "It is called 勾选传导 (Gouxuan Chuandao)."),
        ("It is called 勾选传导 (check conduction).", ["勾选传导"], "It is called 勾选传导 (check conduction)."),
        ("它叫红果汁（Redjue）。", ["Redjue（红果汁）"], "它叫红果汁（Redjue）。"),
        ("它叫通义千问（Tongyi Qianwen）。", ["通义千问"], "它叫通义千问（Tongyi Qianwen）。"),
        ("它叫千问（Tongyi Qianwen）。", ["Qwen (Tongyi Qianwen)"], "它叫千问（Tongyi Qianwen）。"),
    ],
)
def test_romanisations_the_model_guessed_are_cut(answer, sources, expected):
    assert drop_false_romanisations(answer, sources)[0] == expected


def test_the_claim_check_records_a_cut_romanisation(settings):
    reply = ["YES", "年底，APEC和G20峰会（niandi fenghui）分别在中美两国举行 [ZH ¶3]。"]
    ans = make_app(settings, replies=list(reply)).pipeline.answer("APEC和G20峰会什么时候举行？")
    assert "niandi" not in ans.text and "峰会分别在中美两国举行" in ans.text
    cut = [c for c in ans.checks if c.outcome == "repaired"]
    assert cut and "(niandi fenghui)" in cut[0].reason and "峰会" in cut[0].reason


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("The visit began on May 13, from the SOURCES [EN ¶1].", "The visit began on May 13 [EN ¶1]."),
        ("According to the SOURCES, the visit began on May 13 [EN ¶1]. As stated in the SOURCES above, it "
         "ended on May 15 [EN ¶1].", "The visit began on May 13 [EN ¶1]. It ended on May 15 [EN ¶1]."),
        # the word in lower case is the reader's word, and a label inside a name is left alone
        ("The sources say it began on May 13 [EN ¶1].", "The sources say it began on May 13 [EN ¶1]."),
        ("It is in the SOURCES list.", "It is in the SOURCES list."),
    ],
)
def test_phrases_that_cite_the_prompts_parts_are_cut(answer, expected):
    from rag.answer import prompts
    from rag.answer.factcheck import drop_prompt_labels, prompt_labels

    p = prompts.load("en")
    assert prompt_labels(p["system"], p["answer"]) == ["QUESTION", "SOURCES"]
    assert drop_prompt_labels(answer, ["QUESTION", "SOURCES"])[0] == expected


def test_the_claim_check_keeps_a_sentence_that_cited_the_prompts_sources(settings):
    """"from the SOURCES" is the prompt's word, not a name the paragraph must state: it is cut and the
    sentence judged on what it says (before, the whole answer was refused for stating "SOURCES")."""
    reply = ["YES", "Trump's state visit to China began on May 13, from the SOURCES [ZH ¶1]."]
    ans = make_app(settings, replies=list(reply)).pipeline.answer("On what day did Trump's state visit to China begin?")
    assert not ans.refused and ans.text.startswith("Trump's state visit to China began on May 13 [ZH ¶1].")
    assert [c.reason for c in ans.checks if c.outcome == "repaired"] == ["“from the SOURCES”, the prompt's word for its sources, was cut"]
