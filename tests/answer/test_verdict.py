"""Refuse or answer: named rules in order, the first that fires decides."""

from __future__ import annotations

import pytest

from rag.answer.units import build_units
from rag.answer.query import search_forms
from rag.answer.verdict import Coverage, asked_measure, asked_number, coverage, decide, key_terms, question_words, states_measure
from rag.index.retrieve import PairHit
from rag.types import Document, DocumentMeta, Hit, Paragraph
from tests.answer.conftest import pair, small_doc


def test_the_verdict_names_its_rule():
    doc = small_doc()
    units = build_units([pair(doc, 4, 4)], lambda _: doc, "en", sentence_chars=20)
    assert decide((), (), None, 0.5).rule == "no-sources"
    assert decide(units, (), None, 0.5).rule == "none-selected"
    cov = coverage("When does the volunteer team meet?", units[1:2])
    assert cov.missing and decide(units, units[1:2], cov, 0.9).rule == "terms-missing"
    assert decide(units, units[1:2], cov, 0.0).rule == "selected"  # the key-term refusal switched off
    assert decide(units, units, coverage("Three others", units), 0.5).refused is False


def test_question_words_name_nothing_and_terms_are_found_in_either_language():
    doc = small_doc()
    units = build_units([pair(doc, 1, 1)], lambda _: doc, "en")
    cov = coverage("How many parts are there?", units)
    assert "many" not in cov.terms and "many" in question_words()
    assert coverage("第一部分是什么？", units).share == 1.0  # the Chinese twins count
    assert coverage("What are the parts?", units).found == ("parts",)


def test_coverage_counts_the_words_that_say_where_to_look():
    """A question scopes itself by the document's title and the headings ("the Harbor Guide's fee
    table"): those words are not missing when the units sit under them; an English possessive counts
    as its word."""
    paras = (Paragraph("h", "en", 1, "Small boats pay 40 dollars a day.", ("Port fees", "Fee table")),)
    doc = Document("h", "h.md", DocumentMeta(title="Harbor Guide"), paras)
    units = build_units([PairHit("h", Hit("h", "en", 1, paras[0].text, 0.9), None, 0.9)], lambda _: doc, "en")
    cov = coverage("What does the Harbor Guide's fee table say small boats pay?", units)
    assert cov.share == 1.0, cov.missing
    assert coverage("What do cargo ships pay?", units).missing == ("cargo", "ships")


def test_a_missing_word_most_paragraphs_have_weighs_less_than_a_rare_one():
    doc = small_doc()
    units = build_units([pair(doc, 4, 4)], lambda _: doc, "en")
    question = "Three longer errata?"
    cov = coverage(question, units, {"three": 0.2, "longer": 0.2, "errata": 3.0})
    assert cov.missing == ("errata",) and cov.share == pytest.approx(0.4 / 3.4)
    common = coverage(question, units, {"three": 2.0, "longer": 2.0, "errata": 0.1})
    assert common.share == pytest.approx(4.0 / 4.1)
    assert coverage(question, units).share == pytest.approx(2 / 3)  # unweighed


def test_chinese_words_that_name_nothing_are_not_key_terms():
    """Conjunctions, prepositions, adverbs, pronouns and particles (by jieba's part of speech, the tags
    in prompts/function_tags.txt) shape a Chinese question; the nouns and verbs it asks about stay."""
    terms = key_terms("按照 CNCF 术语表，如果不采用多租户模式，每个租户需要怎样部署软件？")
    assert not {"按照", "如果", "不", "每个"} & set(terms), terms
    assert {"cncf", "租户", "部署", "软件"} <= set(terms), terms


def test_a_word_the_search_tokenizer_joins_from_words_that_name_nothing_is_not_a_key_term():
    """jieba's search mode may join a classifier and a locative (手册第三章里: 章里) that the part-of-speech
    tagger keeps apart. Words that ask for examples name nothing the document must say (it lists them
    unnamed)."""
    terms = key_terms("安装手册第三章里提到的镜像站点有哪些例子？")
    assert "章里" not in terms and "例子" not in terms and {"安装", "镜像"} <= set(terms), terms
    assert "examples" not in key_terms("Which examples of mirror sites does the manual give?")


def test_a_question_in_taiwan_words_is_also_read_in_mainland_words():
    paras = (Paragraph("m", "zh", 1, "多租户软件通过网络接口连接到在服务器上运行的软件。", ("多租户",)),)
    doc = Document("m", "m.md", DocumentMeta(), paras)
    units = build_units([PairHit("m", None, Hit("m", "zh", 1, paras[0].text, 0.9), 0.9)], lambda _: doc, "zh")
    forms = search_forms("多租戶軟體在伺服器上執行嗎？")
    assert forms[0] == "多租户软体在伺服器上执行吗？" and "软件" in forms[1] and "服务器" in forms[1]
    as_written, mainland = (coverage(f, units) for f in forms)
    assert as_written.share < 0.5 and mainland.share == 1.0, (as_written.missing, mainland.missing)
    assert search_forms("What is it?") == ("What is it?",)


def test_a_question_that_asks_for_a_number_is_refused_when_the_units_state_none_it_does_not():
    doc = small_doc()
    units = build_units([pair(doc, 4, 4)], lambda _: doc, "en")  # "One. Two is here…", "一。二在这里。"
    assert asked_number("How many volunteers meet?") == asked_number("封禁的期限是多少天？") == "count"
    assert not asked_number("How often do they meet?") and not asked_number("他们多久开一次会？")
    assert not asked_number("比较了哪几种策略？") and not asked_number("什么是几何分布？")
    assert not asked_number("在多大程度上影响性能？") and asked_number("几何分布的期望值是多少？") == "count"
    for named in ("What is the minimum number of reviews?", "What default learning rate does it use?",
                  "What heartbeat interval do workers use?", "会话令牌长度的上限？", "心跳间隔？"):
        assert asked_number(named) == "count", named  # a quantity asked by its noun
    assert not asked_number("What values can the size prop take?") and not asked_number("Which rates apply?")
    cov = coverage("How many errata were found in 2019?", units)
    assert cov.numbers == () and decide(units, units, cov, 0.0).rule == "no-number"
    themes = (Paragraph("t", "en", 1, "The first release came out in 2019. It had 12 themes.", ("T",)),)
    tdoc = Document("t", "t.md", DocumentMeta(), themes)
    tunits = build_units([PairHit("t", Hit("t", "en", 1, themes[0].text, 0.9), None, 0.9)], lambda _: tdoc, "en")
    cov = coverage("How many themes did the 2019 release have?", tunits)
    assert cov.numbers == ("12",) and decide(tunits, tunits, cov, 0.0).rule == "selected"
    assert coverage("What came out?", tunits).numbers is None  # not asked: not checked


def test_a_question_that_asks_for_a_kind_of_number_needs_a_number_of_that_kind():
    """A year answers "which year", not "how many"; a version "which version", not "how many"; a span
    of years "how long"."""
    text = "Since 4.1.0. the RFC 6067 registry has run the project (2001-2006) with 12 volunteers."
    doc = Document("t", "t.md", DocumentMeta(), (Paragraph("t", "en", 1, text, ("T",)),))
    units = build_units([PairHit("t", Hit("t", "en", 1, text, 0.9), None, 0.9)], lambda _: doc, "en")
    asked = {
        "In which year was the u extension registered?": ("date", ("2001", "2006")),
        "In which antd version was it first released?": ("version", ("v:4.1.0", "6067", "2001", "2006", "12")),
        "How long did the relicensing take?": ("duration", ("v:4.1.0", "6067", "2001", "2006", "12")),
        "重新授权花了多长时间？": ("duration", ("v:4.1.0", "6067", "2001", "2006", "12")),
        "How many volunteers run it?": ("count", ("6067", "12")),
        "12-Factor 推荐使用哪个具体版本的 PostgreSQL？": ("version", ("v:4.1.0", "6067", "2001", "2006")),
    }
    for question, (kind, numbers) in asked.items():
        cov = coverage(question, units)
        assert (cov.asked, set(cov.numbers)) == (kind, set(numbers)), question
    lone = Document("t", "t.md", DocumentMeta(), (Paragraph("t", "en", 1, "It ran in 2014 under RFC 6067.", ("T",)),))
    lunits = build_units([PairHit("t", Hit("t", "en", 1, lone.paragraphs[0].text, 0.9), None, 0.9)], lambda _: lone, "en")
    verdict = decide(lunits, lunits, coverage("How many full-time members does it have?", lunits), 0.0)
    assert verdict.rule == "selected"  # 6067 is a count as far as the text shows
    verdict = decide(lunits, lunits, coverage("What version of the RFC was it?", lunits), 0.0)
    assert verdict.rule == "selected"
    year_only = Document("t", "t.md", DocumentMeta(), (Paragraph("t", "en", 1, "It was created in 2014.", ("T",)),))
    yunits = build_units([PairHit("t", Hit("t", "en", 1, "It was created in 2014.", 0.9), None, 0.9)], lambda _: year_only, "en")
    verdict = decide(yunits, yunits, coverage("How many full-time members does it have?", yunits), 0.0)
    assert verdict.rule == "no-number" and "(count)" in verdict.reason


def test_a_span_of_time_stated_without_a_number_answers_how_long():
    """数周, 几小时, 三十几天, "a few hours" answer "how long"; a vague word without a unit of time does
    not, nor does a vague span answer "how many"."""
    table = _units_of("Release cycle | Old process: 数周 | New process: 几小时")
    assert decide(table, table, coverage("发布周期分别是多久？", table), 0.0).rule == "selected"
    hours = _units_of("Rebuilding the index takes a few hours on a laptop.")
    assert decide(hours, hours, coverage("How long does rebuilding the index take?", hours), 0.0).rule == "selected"
    vague = _units_of("Rebuilding the index takes a while, several times a year.")
    assert decide(vague, vague, coverage("How long does rebuilding the index take?", vague), 0.0).rule == "no-number"
    assert coverage("需要多久？", _units_of("大约三十几天。")).numbers == ("几天",)
    assert coverage("How many rebuilds?", hours).numbers == ()  # a vague span is no count


def _units_of(text: str):
    doc = Document("t", "t.md", DocumentMeta(), (Paragraph("t", "en", 1, text, ("T",)),))
    return build_units([PairHit("t", Hit("t", "en", 1, text, 0.9), None, 0.9)], lambda _: doc, "en")


def test_a_quantity_asked_in_a_unit_needs_a_number_in_a_unit_of_that_measure():
    """"How many milliseconds", "in KB", "how much GPU memory", 多少秒: the chosen units must state a
    number in a unit of that measure, not only some number (a date, a version, a count of things)."""
    asked = {"How many milliseconds did the first render take?": "time", "How large, in KB, is style.css?": "size",
             "How much GPU memory does the 8-bit model need?": "size", "启动超时时间的默认值是多少秒？": "time",
             "What percentage of the budget went to repairs?": "share", "顯存需要多少？": "size"}
    for question, measure in asked.items():
        assert asked_measure(question) == measure, question
    for question in ("Why does memory use grow?", "How many rows does a page show?", "Which seconds count?"):
        assert asked_measure(question) is None, question  # no number asked, or asked in no unit
    for measure, text in (("time", "takes 300ms"), ("time", "after 2 minutes"), ("time", "需要三天"),
                          ("size", "needs 16GB"), ("size", "3.4 KB"), ("share", "百分之三十"), ("share", "三成"),
                          ("share", "30 %")):
        assert states_measure(measure, [text]), (measure, text)
    for measure, text in (("size", "the Qwen-7B model"), ("size", "float16"), ("time", "version 3.2"),
                          ("time", "released on November 18, 2022"), ("time", "2022 年 11 月 18 日发布")):
        assert not states_measure(measure, [text]), (measure, text)
    dated = _units_of("Ant Design 5.0 was released on November 18, 2022 with a faster first render.")
    verdict = decide(dated, dated, coverage("How many milliseconds did the first render of Ant Design take?", dated), 0.0)
    assert verdict.rule == "no-measure" and "time" in verdict.reason  # numbers, none of them a time
    timed = _units_of("The first render of Ant Design took 38 ms on the benchmark page.")
    verdict = decide(timed, timed, coverage("How many milliseconds did the first render of Ant Design take?", timed), 0.0)
    assert verdict.rule == "selected"


def test_a_chinese_word_and_its_parts_count_once():
    """jieba's search mode gives 速查表, 速查 and 查表 for one word of the question: the share counts the
    word once, and a part the units hold gives its length's share of the word."""
    paras = (Paragraph("c", "zh", 1, "这份速查提到方阵可逆的条件。", ("线性代数",)),)
    doc = Document("c", "c.md", DocumentMeta(), paras)
    units = build_units([PairHit("c", None, Hit("c", "zh", 1, paras[0].text, 0.9), 0.9)], lambda _: doc, "zh")
    cov = coverage("速查表里的方阵可逆吗？", units)
    assert {"速查", "查表", "速查表"} <= set(cov.terms) and "速查表" in cov.words and "速查" not in cov.words
    assert cov.credit("速查表") == pytest.approx(2 / 3) and cov.missing == ("速查表",)
    held = {"方阵": 1.0, "可逆": 1.0, "速查表": 2 / 3}
    assert cov.share == pytest.approx(sum(held[w] for w in cov.words) / len(cov.words)), cov.words
    english = Coverage(("user", "use"), ("use",))  # an English word is its own, not part of a longer one
    assert english.words == ("user", "use") and english.credit("user") == 0.0 and english.share == 0.5
