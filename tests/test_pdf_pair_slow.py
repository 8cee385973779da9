"""A whole real PDF pair with the real embedder (issue #34's targets): the dev cheat sheet in English and
Chinese reads into as many paragraphs on either side, nearly all aligned, none cut mid-sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.ingest_quality import cut_mid_sentence, duplicated

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data"


def test_the_cheat_sheet_pair_aligns_paragraph_for_paragraph(tmp_path, real_embedder):
    from rag.compose import App
    from rag.settings import Settings

    from tests.conftest import REAL_MODELS_DIR

    app = App(Settings(home=tmp_path, models_dir=REAL_MODELS_DIR, llm_model="fake"), embedder=real_embedder)
    doc = app.indexer.prepare_pair(DATA / "cs229-algebra.en.pdf", DATA / "cs229-algebra.zh.pdf", "algebra")
    n = {lang: doc.body_count(lang) for lang in ("en", "zh")}
    assert 0.8 <= n["zh"] / n["en"] <= 1.25
    for lang in ("en", "zh"):
        unaligned = sum(1 for x, _ in doc.unaligned if x == lang)
        assert unaligned <= 0.05 * n[lang], (lang, doc.unaligned)
        paras = [p for p in doc.paragraphs if p.lang == lang and p.n > 0]
        assert not any(cut_mid_sentence(p, q) for p, q in zip(paras, paras[1:]))
        assert not any(duplicated(p.text, q.text) for p, q in zip(paras, paras[1:]))
    # the entry on the trace and its formula are linked to their translations
    trace = next(p for p in doc.by_lang("en") if p.text.startswith("Ì Trace"))
    assert [doc.get("zh", z).text[:4] for z in doc.twins("en", trace.n)] == ["Ì 迹–"]
    formula = doc.get("en", trace.n + 1)
    assert formula.kind == "code" and [doc.get("zh", z).kind for z in doc.twins("en", formula.n)] == ["code"]
