"""The draft made into an answer: the header line copied in front is dropped (the language stage)."""

from __future__ import annotations

from rag.text.language import text_language
from tests.conftest import make_app


def test_header_line_copied_in_front_of_an_answer_is_dropped(settings):
    from rag.answer.polish import strip_header_echo

    header = "[ZH ¶0] 标题: What the New Developments Mean (中美關係新變化的重大意義)"
    echo = "标题: What the New Developments Mean (中美關係新變化的重大意義) 第三,特朗普总统并未做出明确承诺[ZH ¶12]。"
    assert strip_header_echo(echo, header) == "第三,特朗普总统并未做出明确承诺[ZH ¶12]。"
    assert strip_header_echo("[ZH ¶0] " + echo, header) == "第三,特朗普总统并未做出明确承诺[ZH ¶12]。"
    assert strip_header_echo("[EN ¶12] " + echo, header) == "第三,特朗普总统并未做出明确承诺[ZH ¶12]。"  # a wrong label in front
    assert strip_header_echo("標題: What the New Developments Mean (中美關係新變化的重大意義) 第三,特朗普總統並未做出明確承諾。", header) == "第三,特朗普總統並未做出明確承諾。"
    assert strip_header_echo("特朗普总统并未做出明确承诺[ZH ¶12]。", header) == "特朗普总统并未做出明确承诺[ZH ¶12]。"
    assert strip_header_echo("标题: What the New Developments Mean (中美關係新變化的重大意義)", header).startswith("标题")  # all of it
    app = make_app(settings, replies=["YES", "Title: What the New Developments Mean (中美關係新變化的重大意義) The summits are held toward the end of the year [EN ¶3]."])
    ans = app.pipeline.answer("When are the APEC and G20 summits held?")
    assert ans.text.startswith("The summits are held")
    # a question about the article keeps it
    app = make_app(settings, replies=["YES", "Title: What the New Developments Mean (中美關係新變化的重大意義) | Article published on: June 22, 2026 [EN ¶0]"])
    assert app.pipeline.answer("When was the article published?").text.startswith("Title: What the New")


def test_wrong_language_is_regenerated(settings):
    app = make_app(settings, replies=["YES", "The summits are held at the end of the year.", "年底，APEC和G20峰会分别在中美两国举行。"])
    ans = app.pipeline.answer("APEC和G20峰会在哪里举行？")
    assert text_language(ans.text) == "zh"
    assert "APEC" in ans.text and ans.citations


def test_wrong_language_every_time_falls_back_to_the_source_sentence(settings):
    app = make_app(settings, replies=["YES", "In English.", "Still English.", "English again."])
    ans = app.pipeline.answer("APEC和G20峰会在哪里举行？")
    assert text_language(ans.text) == "zh" and not ans.refused
    assert ans.citations


def test_stray_sentence_in_the_other_language_is_dropped(settings):
    app = make_app(settings, replies=["YES", "The summits are held toward the end of the year. 年底举行峰会。"])
    ans = app.pipeline.answer("When are the APEC and G20 summits held?")
    assert "年底" not in ans.text and "end of the year" in ans.text


def test_tidy_chinese():
    from rag.answer.polish import tidy_chinese

    assert tidy_chinese("特朗普于 5 月 13 日至 15 日访华") == "特朗普于5月13日至15日访华"
    assert tidy_chinese("APEC 和 G20 峰会") == "APEC 和 G20峰会"  # a space after a Latin word stays


def test_tidy_english():
    from rag.answer.polish import tidy_english

    assert tidy_english("The U. S. side and the U. S. A. agreed.") == "The U.S. side and the U.S.A. agreed."
    assert tidy_english("Mr. T. Smith. A. Next sentence.") == "Mr. T. Smith. A. Next sentence."
