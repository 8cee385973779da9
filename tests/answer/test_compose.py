"""Compose: the selected units verbatim, in document order, cited with their twins."""

from __future__ import annotations

from eval.support import unsupported
from rag.answer.compose import compose
from rag.answer.units import build_units
from tests.answer.conftest import pair, small_doc


def test_compose_quotes_units_verbatim_in_document_order_and_cites_them_and_their_twins():
    doc = small_doc()
    units = build_units([pair(doc, 4, 4), pair(doc, 2, 2)], lambda _: doc, "en", sentence_chars=20)
    chosen = [u for u in units if u.text in ("Three is longer than the others and ends.", "One.")] + [units[-1]]
    draft = compose(chosen, "en")
    lines = draft.text.split("\n\n")
    assert lines[0].startswith("Intro: the parts are as follows: [EN ¶1]\n- first part [EN ¶2]\n- second part [EN ¶3]")
    assert lines[1] == "One. Three is longer than the others and ends. [EN ¶4]"
    keys = {(c.lang, c.paragraph) for c in draft.citations}
    assert {("en", 1), ("en", 4), ("zh", 4), ("zh", 1)} <= keys
    assert all(c.text == doc.get(c.lang, c.paragraph).text for c in draft.citations)


def test_a_unit_only_the_other_version_has_is_quoted_under_a_note_and_traditional_is_converted():
    doc = small_doc()
    units = build_units([pair(doc, None, 5)], lambda _: doc, "en")
    assert compose(units, "en").text == "Only the Chinese version states this:\n只有中文。 [ZH ¶5]"
    units = build_units([pair(doc, 2, 2)], lambda _: doc, "zh")
    assert "簡介" in compose(units, "zh-Hant").text


def test_every_line_of_a_composed_answer_is_stated_by_a_cited_paragraph():
    """Checked by eval's checker, which shares no code with the composer."""
    doc = small_doc()
    units = build_units([pair(doc, 4, 4), pair(doc, 2, 2), pair(doc, None, 5)], lambda _: doc, "en", sentence_chars=20)
    draft = compose(units, "en")
    assert draft.text.count("\n") >= 4
    assert unsupported(draft.text, [c.text for c in draft.citations]) == []
    for lang in ("zh", "zh-Hant"):
        zh = compose(build_units([pair(doc, 4, 4), pair(doc, 2, 2)], lambda _: doc, "zh", sentence_chars=3), lang)
        assert unsupported(zh.text, [c.text for c in zh.citations]) == [], zh.text


def test_nothing_selected_composes_nothing():
    draft = compose([], "en")
    assert (draft.text, draft.citations) == ("", ())
