"""The answer-quality levers of issue #9, each on and off, with the fake embedder and scripted model
replies (the real-model behaviour is in tests/test_answer_slow.py)."""

from __future__ import annotations

import pytest

from rag.answer.factcheck import drop_unsupported_years, unsupported_years
from rag.answer.grounding import quoted_terms, quotes_found, ungrounded_terms
from rag.answer.quotes import pick_quotes, render_quotes
from rag.text.chinese import to_traditional
from rag.types import Answer, Citation, Hit
from tests.conftest import make_app, state_after

EN3 = (
    "In September, Chinese President Xi Jinping is expected to pay a state visit to the United States at the "
    "invitation of Washington. Toward the end of the year, as the APEC and G20 summits are held in the two "
    "countries, the two heads of state are expected to meet again on the sidelines."
)
ZH13 = "至于特朗普总统多次提出的美俄中三方核对话,则更不靠谱。中国核武库与美俄核武库远不在一个层级上,美俄通过核对话带头进行核裁军才是实现全球战略稳定的首要任务。"


def hit(lang, n, text):
    return Hit("d", lang, n, text, 1.0)


# --- supporting quotes -----------------------------------------------------------------------


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
    assert "\n\n> The article says: “" in ans.text and "APEC and G20" in ans.text
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


# --- invented years -----------------------------------------------------------------------------


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


def test_pipeline_drops_an_invented_year_only_when_switched_on(settings):
    reply = ["YES", "The summits are held toward the end of 2031 [EN ¶3]."]
    ans = make_app(settings, replies=list(reply)).pipeline.answer("When are the APEC and G20 summits held?")
    assert "2031" not in ans.text and "toward the end [EN ¶3]." in ans.text
    off = make_app(settings.model_copy(update={"drop_invented_years": False, "quotes": False}), replies=list(reply))
    assert "2031" in off.pipeline.answer("When are the APEC and G20 summits held?").text


# --- quoted terms outweigh the model's NO ------------------------------------------------------------


def test_quoted_terms_of_mixed_and_quoted_questions():
    terms = quoted_terms("What does the article mean by 跛脚鸭?")
    assert terms and all(t in "跛脚鸭" for t in terms)
    assert quoted_terms("What does “lame duck” mean?") == ["lame duck"]
    assert "GDP" in quoted_terms("文章提到的中国GDP增长率是多少？")
    assert quoted_terms("When did Trump visit China?") == []
    assert quotes_found(quoted_terms("What does 'lame duck' mean?"), ["whether it will become a lame duck"]) == ["lame duck"]
    assert quotes_found(quoted_terms("文章提到的中国GDP增长率是多少？"), ["中国 APEC"]) == []
    corpus = ["特朗普访华中国。", "特朗普与中国。", "中国与特朗普会晤。", "跛脚鸭"]
    assert quotes_found(quoted_terms("What did 特朗普 eat in 中国?"), corpus[:2], corpus) == []  # common words prove nothing
    assert quotes_found(quoted_terms("What does the article mean by 跛脚鸭?"), corpus[3:], corpus)


def test_model_no_is_overruled_when_the_context_holds_the_quoted_term(settings):
    strict = settings.model_copy(update={"trust_retrieval_above": 2.0})  # similarity never overrules here
    q = "What does the article mean by 跛脚鸭?"
    ans = make_app(strict, replies=["NO", "It means a lame duck administration [EN ¶10]."]).pipeline.answer(q)
    assert not ans.refused and "lame duck" in ans.text
    off = make_app(strict.model_copy(update={"trust_quoted_terms": False}), replies=["NO"])
    assert off.pipeline.answer(q).refused


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
    assert app.chat_model.llm.calls == []  # the code refused before any model call


# --- yes/no questions get the lenient check ---------------------------------------------------------------


@pytest.mark.parametrize(
    "q, polar",
    [("Does the author think the improvement is enough?", True), ("Is the visit important?", True),
     ("作者认为改善足够吗？", True), ("双方是否同意恢复对话？", True),
     ("What does the author think?", False), ("作者怎么看？", False), ("Why is it important?", False)],
)
def test_polar_questions(q, polar):
    from rag.answer.query import is_polar

    assert is_polar(q) is polar


def _lenient_only(messages):
    last = messages[-1].content
    if "YES or NO" in last:
        return "YES" if "fully or in part" in last else "NO"
    return "The improvement is limited [EN ¶9]."


def test_yes_no_question_gets_the_lenient_check(settings):
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend
    from rag.settings import DEFAULT_CORPUS

    strict = settings.model_copy(update={"trust_retrieval_above": 2.0})

    def build(s):
        app = App(s, embedder=FakeEmbedder(), chat_model=FakeBackend(reply_fn=_lenient_only))
        app.indexer.write([app.indexer.prepare_path(DEFAULT_CORPUS)], progress=False)
        return app

    q = "Does the author think the improvement in relations is enough?"
    assert not build(strict).pipeline.answer(q).refused
    assert build(strict.model_copy(update={"polar_check": False})).pipeline.answer(q).refused
    assert build(strict).pipeline.answer("What does the author think of the improvement in relations?").refused  # strict wording


# --- header apart from the body ---------------------------------------------------------------------


def test_full_header_for_every_question_when_switched_off(settings):
    app = make_app(settings.model_copy(update={"header_for_meta_only": False}))
    state = state_after(app, "When are the APEC and G20 summits held?", k=2)
    assert "Tuosheng Zhang" in state.header and "June 22, 2026" in state.header


# --- traditional script ----------------------------------------------------------------------------------


def test_traditional_conversion_does_not_read_across_words():
    assert to_traditional("美俄中三方核对话不现实") == "美俄中三方核對話不現實"
    assert to_traditional("中美关系新变化的重大意义") == "中美關係新變化的重大意義"
    assert to_traditional("APEC 和 G20 [ZH ¶3]") == "APEC 和 G20 [ZH ¶3]"


# --- header fields answer themselves ------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, fields",
    [("作者的名字用英文怎么写？", ["author"]), ("Who wrote the article?", ["author"]), ("這篇文章是誰寫的？", ["author"]),
     ("What is the author's position?", ["affiliation"]), ("作者在哪个机构工作？", ["affiliation"]),
     ("作者所在机构叫什么？", ["affiliation"]),
     ("這篇文章的英文標題是什麼？", ["title"]), ("What is the title of the article?", ["title"]),
     ("When was the article published?", ["date"]), ("文章是什么时候发表的？", ["date"]),
     # about something else that has an author, a title or a date
     ("作者的妻子是谁？", []), ("Who is the author of the proposal?", []), ("联合公报是谁写的？", []),
     ("What is the title of Xi Jinping?", []), ("联合声明什么时候发布？", []), ("What did the author say about Taiwan?", []),
     ("What position did Beijing reiterate during the summit?", []), ("哪些机构参与了对话？", [])],
)
def test_questions_that_ask_for_a_header_field(q, fields):
    from rag.answer.about import header_fields_asked, is_about_article

    assert header_fields_asked(q) == fields
    if fields:
        assert is_about_article(q)  # so the context carries the byline and date
    elif q.startswith(("What position", "哪些机构")):
        assert not is_about_article(q)  # a body question: no byline, and quotes under the answer


def test_header_answers_only_fields_the_document_has():
    from rag.answer.about import header_answers, header_fields_asked
    from rag.types import DocumentMeta

    assert header_answers(header_fields_asked("Who wrote the article?"), DocumentMeta(title="T", author="Tuosheng Zhang")) == ["author"]
    assert header_answers(header_fields_asked("When was the article published?"), DocumentMeta(title="T", author="A")) == []


def test_author_and_title_questions_are_answered_with_the_headers_words(settings):
    q = "作者的名字用英文怎么写？"
    app = make_app(settings, replies=["NO", "作者的名字是张沱生。"])
    ans = app.pipeline.answer(q)
    assert not ans.refused and ans.text == "这篇文章的作者是 Tuosheng Zhang (張沱生)[EN ¶0]。"
    assert [(c.lang, c.paragraph) for c in ans.citations] == [("en", 0)] and "Tuosheng Zhang" in ans.citations[0].text
    assert app.chat_model.llm.calls == []  # no model call
    ans = make_app(settings).pipeline.answer("What is the title of the article?")
    assert ans.text.startswith("The article is titled “What the New Developments Mean")
    off = make_app(settings.model_copy(update={"answer_header_fields": False}), replies=["NO"])
    assert off.pipeline.answer(q).refused  # the model's NO stands


def test_model_no_is_overruled_when_the_header_states_the_date_or_position(settings):
    strict = settings.model_copy(update={"trust_retrieval_above": 2.0, "trust_quoted_terms": False})
    q = "文章是什么时候发表的？"
    app = make_app(strict, replies=["NO", "文章发表于2026年6月22日[EN ¶0]。"])
    ans = app.pipeline.answer(q)
    assert not ans.refused and "6月22日" in ans.text
    assert "June 22, 2026" in app.chat_model.llm.calls[0][0].content  # the date was in the context
    off = make_app(strict.model_copy(update={"answer_header_fields": False}), replies=["NO"])
    assert off.pipeline.answer(q).refused
    # a question about something else the author has stays with the model's verdict
    assert make_app(strict, replies=["NO"]).pipeline.answer("作者的妻子是谁？").refused


# --- capitals for governments ------------------------------------------------------------------


def test_a_capital_standing_for_its_government_is_grounded_by_the_country():
    texts = ["China-U.S. relations: Washington and Moscow", "中美关系 中方"]
    q = "What worries Beijing about Washington's domestic politics after the midterms?"
    assert ungrounded_terms(q, texts) == ["Beijing"]
    assert ungrounded_terms(q, texts, metonymy=True) == []
    assert ungrounded_terms("北京担心什么？", texts, metonymy=True) == []
    assert ungrounded_terms("莫斯科对此怎么看？", texts, metonymy=True) == []  # the same city, other language
    # a capital used as a place must itself occur
    assert ungrounded_terms("特朗普在北京参观了哪些地方？", texts, metonymy=True) == ["特朗普", "北京"]
    assert ungrounded_terms("What did they see in Beijing?", texts, metonymy=True) == ["Beijing"]
    assert ungrounded_terms("What did they do after they left Beijing?", texts, metonymy=True) == ["Beijing"]
    # a capital whose country the documents never name
    assert ungrounded_terms("What does Tokyo think?", texts, metonymy=True) == ["Tokyo"]


def test_pipeline_answers_a_metonymy_question_only_when_switched_on(settings):
    q = "What worries Beijing about Washington's domestic politics after the midterms?"
    reply = ["YES", "China worries that the Trump administration may become a lame duck [EN ¶10]."]
    assert not make_app(settings, replies=list(reply)).pipeline.answer(q).refused
    off = make_app(settings.model_copy(update={"capital_metonymy": False}), replies=list(reply))
    assert off.pipeline.answer(q).refused and off.chat_model.llm.calls == []  # refused in code


# --- the header copied in front of an answer -------------------------------------------------------------


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


# --- negation check for yes/no answers --------------------------------------------------------------

ZH12 = "第三,在中美元首会晤期间,中方重点提出台湾问题并重申己方一贯严正立场,但特朗普总统并未就此向中方做出明确承诺。王毅外长答记者问时称,中方感受到美方不认同也不接受台湾走向独立。"


@pytest.mark.parametrize(
    "q, answer, contradicted",
    [("特朗普總統在台灣問題上做出明確承諾了嗎？", "是的，特朗普總統在臺灣問題上做出了明確承諾[ZH ¶12]。", True),
     ("特朗普總統在台灣問題上做出明確承諾了嗎？", "特朗普总统在台湾问题上做出了明确承诺[ZH ¶12]。", True),
     ("特朗普總統在台灣問題上做出明確承諾了嗎？", "没有，特朗普总统并未做出明确承诺[ZH ¶12]。", False),
     ("特朗普總統在台灣問題上做出明確承諾了嗎？", "特朗普总统并未就此做出明确承诺[ZH ¶12]。", False),
     ("特朗普总统没有做出承诺吗？", "是的[ZH ¶12]。", False)],  # a negated question: yes/no is ambiguous
)
def test_yes_no_answer_that_drops_the_sentences_negation(q, answer, contradicted):
    from rag.answer.negation import contradiction

    found = contradiction(q, answer, [hit("zh", 12, ZH12)], "zh")
    assert (found is not None) is contradicted
    if found:
        assert "并未就此向中方做出明确承诺" in found.sentence and found.sentence in ZH12


def test_no_answer_without_a_negated_sentence_is_left_alone():
    from rag.answer.negation import contradiction, negated

    e2 = "The two sides agreed to expand exchanges and cooperation in public health, trade and tourism."
    assert contradiction("Did the two sides agree to expand cooperation in public health?", "Yes, they did [EN ¶2].", [hit("en", 2, e2)], "en") is None
    # "No" where the sentence has no negation word ("limited") is the model's call, not a contradiction
    e9 = "The improvement in relations remains limited and fragile."
    assert contradiction("Is the improvement in relations enough?", "No, it remains limited [EN ¶9].", [hit("en", 9, e9)], "en") is None
    assert not negated("未来两国关系不断发展，无论如何") and negated("并未") and negated("isn't")


def test_pipeline_answers_no_with_the_sentence_only_when_switched_on(settings):
    q = "Did Trump make explicit commitments on the Taiwan question?"
    reply = ["YES", "Yes, Trump made explicit commitments on the Taiwan question [EN ¶12]."]
    ans = make_app(settings, replies=list(reply)).pipeline.answer(q)
    assert ans.text.startswith("No. The article says: “But Trump made no explicit commitments on this issue.” [EN ¶12]")
    assert ("en", 12) in {(c.lang, c.paragraph) for c in ans.citations}
    off = make_app(settings.model_copy(update={"negation_check": False}), replies=list(reply))
    assert off.pipeline.answer(q).text.startswith("Yes, Trump made explicit commitments")


def test_the_gloss_for_a_capital_is_not_left_in_the_answer(settings):
    from rag.answer.grounding import gloss_capitals, unglossed

    texts = ["中美关系 中国 美国", "China-U.S. relations"]
    q, glossed = gloss_capitals("北京担心美国中期选举后的什么？", texts)
    assert q == "北京（中国）担心美国中期选举后的什么？" and glossed == [("北京", "中国")]
    assert unglossed("北京（中国）担心特朗普政府成为跛脚鸭[ZH ¶10]。", glossed) == "北京担心特朗普政府成为跛脚鸭[ZH ¶10]。"
    assert gloss_capitals("特朗普在北京参观了哪些地方？", texts) == ("特朗普在北京参观了哪些地方？", [])
    app = make_app(settings, replies=["YES", "Beijing (China) worries the Trump administration may become a lame duck [EN ¶10]."])
    ans = app.pipeline.answer("What worries Beijing about Washington's domestic politics after the midterms?")
    assert "Beijing (China)" in app.chat_model.llm.calls[0][-1].content  # the model saw the gloss
    assert ans.text.startswith("Beijing worries the Trump administration")


# --- sentence-level evidence ---------------------------------------------------------------------


def test_best_sentence_is_the_most_similar_body_sentence():
    from rag.index.embedder import FakeEmbedder
    from rag.answer.sentence_evidence import best_sentence

    emb = FakeEmbedder()
    hits = [hit("en", 0, "Toward the end of the year the heads of state meet."), hit("en", 3, EN3), hit("zh", 13, ZH13)]
    m = best_sentence(emb, "the two heads of state are expected to meet again on the sidelines", hits)
    assert m is not None and m.label == "EN ¶3" and m.sentence.startswith("Toward the end of the year, as the APEC")
    assert m.sentence in EN3 and 0.5 < m.score <= 1.0
    whole = max(sum(a * b for a, b in zip(emb.embed_query("the two heads of state are expected to meet again on the sidelines"), v))
                for v in emb.embed_documents([EN3]))
    assert m.score > whole  # one sentence matches better than the paragraph around it
    zh = best_sentence(emb, "the two heads of state are expected to meet again on the sidelines", hits, "zh")
    assert zh is not None and zh.lang == "zh" and zh.sentence in ZH13  # only the asked-for language
    assert best_sentence(emb, "anything", [hit("en", 0, "Title: only the header")]) is None
    assert best_sentence(emb, "anything", []) is None


def test_model_no_is_overruled_by_a_similar_sentence_only_when_the_lever_is_on(settings):
    from rag.answer.sentence_evidence import best_sentence

    q = "whether the administration will become a lame duck after the midterm elections?"
    probe = make_app(settings, replies=["NO"])
    state = state_after(probe, q)
    para = state.best_similarity
    sent = best_sentence(probe.embedder, q, state.context)
    assert sent is not None and sent.paragraph == 10 and sent.score > para + 0.1
    between = settings.model_copy(update={"trust_retrieval_above": (para + sent.score) / 2})
    ans = make_app(between, replies=["NO", "It is a key concern [EN ¶10]."]).pipeline.answer(q)
    assert not ans.refused and ("en", 10) in {(c.lang, c.paragraph) for c in ans.citations}
    assert ans.quotes and ans.quotes[0].sentence == sent.sentence and sent.sentence in ans.text  # the deciding sentence is shown
    said = make_app(between, replies=["NO", sent.sentence + " [EN ¶10]"]).pipeline.answer(q)
    assert all(qt.sentence != sent.sentence for qt in said.quotes)  # not repeated when the answer says it
    assert not make_app(between.model_copy(update={"quotes": False}), replies=["NO", "It is a key concern [EN ¶10]."]).pipeline.answer(q).quotes
    assert make_app(between.model_copy(update={"sentence_evidence": False}), replies=["NO"]).pipeline.answer(q).refused
    above = settings.model_copy(update={"trust_retrieval_above": sent.score + 0.01})
    assert make_app(above, replies=["NO"]).pipeline.answer(q).refused  # no sentence is similar enough: refused


# --- false premises ----------------------------------------------------------------------------------


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
    assert len(app.chat_model.llm.calls) == 1  # refused after the check, before generating
    zh = make_app(settings, replies=["YES", "他访问了华盛顿[ZH ¶3]。"]).pipeline.answer("習近平9月對美國進行了哪些訪問？")
    assert zh.refused and zh.text.startswith("文檔沒有說") and "將應邀" in zh.text  # traditional question, traditional refusal
    off = make_app(settings.model_copy(update={"premise_check": False}), replies=["YES", "He visited Washington [EN ¶3]."])
    assert not off.pipeline.answer(q).refused
    ok = make_app(settings, replies=["YES", "Trump visited China from May 13 to 15 [EN ¶1]."])
    assert not ok.pipeline.answer("When did Trump pay a state visit to China?").refused  # the sentence is in the past
    assert not make_app(settings, replies=["YES", "Xi Jinping [EN ¶3]."]).pipeline.answer(
        "Who is expected to pay a state visit to the United States in September?").refused
