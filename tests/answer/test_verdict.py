"""Refuse or answer: named rules in order, the first that fires decides."""

from __future__ import annotations

import pytest

from rag.answer.units import build_units
from rag.answer.verdict import coverage, decide, question_words
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
