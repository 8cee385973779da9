"""Candidate units: what a reader would quote, built from retrieved aligned pairs."""

from __future__ import annotations

from rag.answer.units import build_units
from tests.answer.conftest import pair, small_doc


def test_a_retrieved_list_item_brings_its_lead_in_and_siblings_with_their_twins():
    doc = small_doc()
    units = build_units([pair(doc, 3, 3)], lambda _: doc, "en")
    assert len(units) == 1
    assert [p.n for p in units[0].paragraphs] == [1, 2, 3]
    assert [t.n for t in units[0].twins] == [1, 2, 3] and units[0].twins[0].lang == "zh"


def test_a_lead_in_brings_the_block_it_announces():
    doc = small_doc()
    units = build_units([pair(doc, 1, 1)], lambda _: doc, "zh")
    assert [p.n for p in units[0].paragraphs] == [1, 2, 3] and units[0].lang == "zh"


def test_without_blocks_a_lead_in_and_its_items_are_separate_units():
    doc = small_doc()
    units = build_units([pair(doc, 1, 1), pair(doc, 3, 3)], lambda _: doc, "en", max_items=0)
    assert [[p.n for p in u.paragraphs] for u in units] == [[1], [3]]


def test_a_long_paragraph_is_offered_sentence_by_sentence_and_a_paragraph_without_twin_in_its_own_language():
    doc = small_doc()
    units = build_units([pair(doc, 4, 4), pair(doc, None, 5)], lambda _: doc, "en", sentence_chars=20)
    assert [u.text for u in units[:3]] == ["One.", "Two is here.", "Three is longer than the others and ends."]
    assert units[3].lang == "zh" and units[3].paragraphs[0].n == 5 and not units[3].twins
    assert [u.id for u in units] == [1, 2, 3, 4]


def test_without_sentence_units_a_long_paragraph_is_one_unit():
    doc = small_doc()
    units = build_units([pair(doc, 4, 4)], lambda _: doc, "en", sentence_chars=0)
    assert len(units) == 1 and units[0].text == "" and units[0].shown == doc.get("en", 4).text


def test_units_stop_at_the_token_budget_but_the_first_always_comes():
    doc = small_doc()
    units = build_units([pair(doc, 4, 4), pair(doc, 3, 3)], lambda _: doc, "en", budget_tokens=1)
    assert len(units) == 1


def _table_doc(rows: int):
    """A lead-in, then ``rows`` table rows (English and Chinese, aligned one to one), then a list of as
    many items under a second lead-in."""
    from rag.types import Document, DocumentMeta, Paragraph

    paras = [Paragraph("t", "en", 1, "The options are as follows:", ("T",))]
    paras += [Paragraph("t", "en", 1 + i, f"Option: o{i} | Default: {i}", ("T",), kind="table") for i in range(1, rows + 1)]
    paras += [Paragraph("t", "en", rows + 2, "The steps are:", ("T",))]
    paras += [Paragraph("t", "en", rows + 2 + i, f"step {i}", ("T",), kind="list") for i in range(1, rows + 1)]
    zh = [Paragraph("t", "zh", p.n, f"中文 {p.text}", p.section, kind=p.kind) for p in paras]
    return Document("t", "t.md", DocumentMeta(), tuple(paras + zh), alignment=tuple((p.n, p.n) for p in paras))


def test_a_long_list_offers_the_items_around_the_retrieved_one_under_its_lead_in():
    doc = _table_doc(20)
    item = 22 + 17  # step 17 of 20
    (unit,) = build_units([pair(doc, item, item)], lambda _: doc, "en", max_items=6)
    ns = [p.n for p in unit.paragraphs]
    assert ns[0] == 22 and item in ns and len(ns) == 1 + 6, ns
    assert ns[1:] == list(range(item - 3, item + 3))


def _en_doc(shape):
    """An English-only document of (kind, text, section) paragraphs, numbered from 1."""
    from rag.types import Document, DocumentMeta, Paragraph

    paras = tuple(Paragraph("s", "en", n, text, section, kind=kind) for n, (kind, text, section) in enumerate(shape, 1))
    return Document("s", "s.md", DocumentMeta(), paras)


def test_a_numbered_list_keeps_the_code_between_its_items_from_the_lead_in_and_from_an_item():
    doc = _en_doc([("prose", "The API has three limits:", ("A",)), ("list", "1. Types only.", ("A",)),
                   ("list", "2. No replace:", ("A",)), ("code", "x = f()", ("A",)), ("list", "3. No split:", ("A",)),
                   ("code", "y = g()", ("A",)), ("prose", "So use the other one.", ("A",))])
    for retrieved in (1, 5):
        (unit,) = build_units([pair(doc, retrieved, None)], lambda _: doc, "en")
        assert [p.n for p in unit.paragraphs] == [1, 2, 3, 4, 5], retrieved
    (code,) = build_units([pair(doc, 6, None)], lambda _: doc, "en")
    assert [p.n for p in code.paragraphs] == [5, 6]  # code after the last item: the item that leads it in
    bullets = _en_doc([("list", "Vector: x, written:", ("A",)), ("code", "x = (1, 2)", ("A",)),
                       ("list", "Matrix: A, written:", ("A",)), ("code", "A = [[1]]", ("A",))])
    (unit,) = build_units([pair(bullets, 1, None)], lambda _: bullets, "en")
    assert [p.n for p in unit.paragraphs] == [1]  # unnumbered items around code: each item on its own


def test_a_lead_in_before_subsections_brings_their_headings_and_not_deeper_ones():
    doc = _en_doc([("prose", "Leaders follow these levels:", ("G",)), ("heading", "1. Correction", ("G", "1. Correction")),
                   ("prose", "Impact: small.", ("G", "1. Correction")),
                   ("heading", "Note", ("G", "1. Correction", "Note")),
                   ("heading", "2. Warning", ("G", "2. Warning")), ("prose", "Impact: more.", ("G", "2. Warning")),
                   ("heading", "3. Ban", ("G", "3. Ban")), ("heading", "Other rules", ("Other rules",)),
                   ("heading", "4. Not a level", ("Other rules", "4. Not a level"))])
    (unit,) = build_units([pair(doc, 1, None)], lambda _: doc, "en")
    assert [p.text for p in unit.paragraphs] == ["Leaders follow these levels:", "1. Correction", "2. Warning", "3. Ban"]
    from rag.answer.compose import compose

    assert compose([unit], "en").text.splitlines()[1] == "- 1. Correction [EN ¶2]"
