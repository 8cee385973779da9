"""Refuse or answer: named rules in order, the first that fires decides."""

from __future__ import annotations

from rag.answer.units import build_units
from rag.answer.verdict import coverage, decide, question_words
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
