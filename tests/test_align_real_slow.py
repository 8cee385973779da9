"""Alignment of real translations with the real embedder: precision on a hand-checked sample of links.

``tests/data/alignment_sample.jsonl`` holds, per real pair, English paragraphs drawn at random from
the aligner's links (seed 7) with the Chinese paragraphs that really translate them, read in both
languages by hand (a wrong link is left out of ``zh``; an empty ``zh`` means no counterpart).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.test_ingest_formats import EN_PDF, PAIRS, REAL, ZH_PDF, lang_file, make_pdf, needs_real

pytestmark = [pytest.mark.slow, needs_real]
SAMPLE = [json.loads(x) for x in (Path(__file__).parent / "data" / "alignment_sample.jsonl").read_text().splitlines() if x]
# the pairs the sample was checked on (the first eight real pairs; their ids as ingest gives them)
SAMPLED = [s for s in PAIRS if ("qwen_readme" if s.parent.name == "qwen_readme" else s.name) in {x["pair"] for x in SAMPLE}]


@pytest.fixture(scope="module")
def indexer(tmp_path_factory, real_embedder):
    from rag.compose import App
    from rag.settings import Settings

    from tests.conftest import REAL_MODELS_DIR

    home = tmp_path_factory.mktemp("align-home")
    return App(Settings(home=home, models_dir=REAL_MODELS_DIR, llm_model="fake"), embedder=real_embedder).indexer


def _doc(indexer, stem: Path):
    doc_id = "qwen_readme" if stem.parent.name == "qwen_readme" else None
    return indexer.prepare_pair(lang_file(stem, "en"), lang_file(stem, "zh"), doc_id)


def precision(doc, sample: list[dict]) -> tuple[int, int, int, int]:
    """(correct links, links, gold counterparts found, gold counterparts) over the sampled paragraphs."""
    correct = links = found = gold = 0
    for item in sample:
        matches = [p for p in doc.by_lang("en") if p.n > 0 and p.text.startswith(item["en"])]
        p = matches[item["nth"]]
        twins = [doc.get("zh", z) for z in doc.twins("en", p.n)]
        links += len(twins)
        correct += sum(1 for z in twins if any(z.text.startswith(g) for g in item["zh"]))
        gold += len(item["zh"])
        found += sum(1 for g in item["zh"] if any(z.text.startswith(g) for z in twins))
    return correct, links, found, gold


@pytest.mark.parametrize("stem", SAMPLED, ids=lambda p: p.name)
def test_alignment_precision_on_the_hand_checked_sample(indexer, stem):
    doc = _doc(indexer, stem)
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
