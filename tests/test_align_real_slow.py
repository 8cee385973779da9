"""Alignment of real translations with the real embedder: precision on a hand-checked sample of links.

``tests/data/alignment_sample.jsonl`` holds, per real pair, English paragraphs drawn at random from
the aligner's links (seed 7) with the Chinese paragraphs that really translate them, read in both
languages by hand (a wrong link is left out of ``zh``; an empty ``zh`` means no counterpart).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.align_sample import load_sample, precision, prepare, sampled_pairs
from tests.test_ingest_formats import EN_PDF, REAL, ZH_PDF, make_pdf, needs_real

pytestmark = [pytest.mark.slow, needs_real]
SAMPLE = load_sample()
# one small sampled pair here: `python -m eval.align_sample` scores all eight
CHECKED = ["check-conduct"]


@pytest.fixture(scope="module")
def indexer(tmp_path_factory, real_embedder):
    from ingest.indexer import indexer_for
    from rag.compose import App
    from rag.settings import Settings

    from tests.conftest import REAL_MODELS_DIR

    home = tmp_path_factory.mktemp("align-home")
    return indexer_for(App(Settings(home=home, models_dir=REAL_MODELS_DIR, llm_model="fake"), embedder=real_embedder))


_PREPARED: dict[Path, object] = {}


def _doc(indexer, stem: Path):
    """A real pair parsed and aligned once per session (several tests read the same pair)."""
    if stem not in _PREPARED:
        _PREPARED[stem] = prepare(indexer, stem)
    return _PREPARED[stem]


@pytest.mark.parametrize("name", CHECKED)
def test_alignment_precision_on_the_hand_checked_sample(indexer, name):
    doc = _doc(indexer, sampled_pairs(REAL, SAMPLE)[name])
    sample = [s for s in SAMPLE if s["pair"] == doc.doc_id]
    assert len(sample) >= 10
    correct, links, found, gold = precision(doc, sample)
    print(f"{doc.doc_id}: precision {correct}/{links}, counterparts found {found}/{gold}")
    assert correct / links >= 0.9
    assert found / gold >= 0.9
    # a paragraph is unaligned only when the other version lacks it: few are, in these translations
    assert len(doc.unaligned) <= 0.05 * (doc.body_count("en") + doc.body_count("zh"))


def test_a_translation_that_splits_paragraphs_is_linked_whole(indexer):
    """css-in-js: the English post keeps text, image and text in one paragraph (<br />), the Chinese one
    has three; each English paragraph is linked to all of its Chinese paragraphs, images included."""
    doc = _doc(indexer, REAL / "antd" / "css-in-js")
    assert doc.unaligned == ()
    en3 = next(p for p in doc.by_lang("en") if p.text.startswith("In CSS-in-JS, hash is used"))
    zh = [doc.get("zh", z).text for z in doc.twins("en", en3.n)]
    assert len(zh) == 3
    assert zh[0].startswith("在 CSS-in-JS 中，hash") and zh[1] == "image.png" and zh[2].startswith("如此便可以引入")


def test_pdf_pair_is_aligned_paragraph_by_paragraph(indexer, tmp_path):
    (tmp_path / "report_en.pdf").write_bytes(make_pdf(EN_PDF, False))
    (tmp_path / "report_zh.pdf").write_bytes(make_pdf(ZH_PDF, True))
    doc = indexer.prepare_pair(tmp_path / "report_en.pdf", tmp_path / "report_zh.pdf")
    assert doc.alignment == tuple((n, n) for n in range(1, 6)) and doc.unaligned == ()


def test_a_real_pair_as_pdfs_aligns_like_its_markdown(indexer, tmp_path):
    """check-conduct typeset as two PDFs: page furniture gone, its links are the Markdown pair's links."""
    from tests.test_ingest_formats import pdf_from_blocks, real_blocks, squash

    for lang in ("en", "zh"):
        (tmp_path / f"cc.{lang}.pdf").write_bytes(pdf_from_blocks(real_blocks(lang), lang == "zh"))
    pdf = indexer.prepare_pair(tmp_path / "cc.en.pdf", tmp_path / "cc.zh.pdf")
    md = _doc(indexer, REAL / "antd" / "check-conduct")

    def links(doc):
        return {(squash(doc.get("en", a).text), squash(doc.get("zh", b).text)) for a, b in doc.alignment if a and b}

    assert len(links(pdf) & links(md)) >= 0.9 * len(links(md))
    assert all(p.page for p in pdf.paragraphs)
