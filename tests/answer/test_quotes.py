"""Supporting quotes under the answer (the quotes stage)."""

from __future__ import annotations

from rag.answer.quotes import pick_quotes, render_quotes
from rag.types import Answer, Citation
from tests.conftest import EN3, ZH13, hit, make_app


def test_quote_brings_back_what_a_terse_answer_left_out():
    q = "Where will the two heads of state meet again toward the end of the year?"
    quotes = pick_quotes(q, "They will meet again on the sidelines [EN ¶3].", [hit("en", 3, EN3)], "en")
    assert [x.paragraph for x in quotes] == [3]
    assert "APEC and G20 summits" in quotes[0].sentence and quotes[0].sentence in EN3  # verbatim
    assert "Xi Jinping" not in quotes[0].sentence  # the matching sentence, not the paragraph


def test_no_quote_when_the_answer_already_says_it():
    q = "Where will the two heads of state meet again toward the end of the year?"
    answer = "Toward the end of the year, as the APEC and G20 summits are held in the two countries, the two heads of state are expected to meet again on the sidelines."
    assert pick_quotes(q, answer, [hit("en", 3, EN3)], "en") == []


def test_why_question_quotes_the_reason_that_follows():
    q = "为什么文章认为美俄中三方核对话不现实？"
    said = "特朗普总统多次提出的美俄中三方核对话则更不靠谱。"  # the answer repeats the verdict, not the reason
    quotes = pick_quotes(q, said, [hit("zh", 13, ZH13)], "zh")
    assert quotes and quotes[0].sentence.startswith("中国核武库")
    quotes = pick_quotes(q, "不现实。", [hit("zh", 13, ZH13)], "zh")  # neither said: both sentences, verbatim
    assert quotes[0].sentence == ZH13


def test_quotes_only_in_the_answer_language_and_never_from_the_header():
    q = "Where will the two heads of state meet again?"
    hits = [hit("zh", 3, "年底，APEC和G20峰会分别在中美两国举行，两国元首将再次会晤。"), hit("en", 0, "Title: heads of state meet")]
    assert pick_quotes(q, "", hits, "en") == []


def test_quote_markdown_and_html():
    quotes = pick_quotes("When are the APEC and G20 summits held?", "Soon.", [hit("en", 3, EN3)], "en")
    md = render_quotes(quotes, "The article says: ")
    assert md.startswith("> The article says: “Toward the end of the year") and md.endswith("” [EN ¶3]")
    from ui.render import answer_html

    ans = Answer("q", "Soon [EN ¶3].\n\n" + md, "en", False, (Citation("d", "en", 3, EN3),), quotes=tuple(quotes))
    html = answer_html(ans)
    assert '<blockquote class="quote">' in html and html.count("cite-chip") >= 2


def test_pipeline_appends_quotes_and_cites_them(settings):
    app = make_app(settings, replies=["YES", "They meet on the sidelines [EN ¶3]."])
    ans = app.pipeline.answer("Where will the two heads of state meet again toward the end of the year?")
    assert "\n\n> The document says: “" in ans.text and "APEC and G20" in ans.text
    assert ans.quotes and ans.quotes[0].label == "EN ¶3"
    assert ("en", 3) in {(c.lang, c.paragraph) for c in ans.citations}
    assert ans.to_json()["quotes"][0]["paragraph"] == 3
    off = make_app(settings.model_copy(update={"quotes": False}), replies=["YES", "They meet on the sidelines [EN ¶3]."])
    ans = off.pipeline.answer("Where will the two heads of state meet again toward the end of the year?")
    assert "> " not in ans.text and not ans.quotes and "APEC" not in ans.text


def test_no_body_quote_under_an_answer_about_the_article_itself(settings):
    app = make_app(settings, replies=["YES", "The author is Tuosheng Zhang."])
    ans = app.pipeline.answer("Who is the author of the article?")
    assert not ans.quotes and "> " not in ans.text


def test_traditional_answer_quotes_in_traditional(settings):
    app = make_app(settings, replies=["YES", "年底两国元首会再次会晤。"])
    ans = app.pipeline.answer("年底兩國元首將在哪裡再次會晤？")
    assert ans.answer_language == "zh-Hant" and ans.quotes
    assert "原文：“" in ans.text and "兩國元首還將再次會晤" in ans.text
