"""The real EmbeddingGemma model: cross-lingual nearest neighbours over the seed."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.indexer import indexer_for
from ingest.parse import parse_text
from tests.test_ingest_formats import REAL, needs_real

pytestmark = pytest.mark.slow


def test_each_chinese_paragraph_is_nearest_to_its_english_twin_and_back(real_embedder, seed_text):
    doc = parse_text(seed_text, "seed", "seed.txt")
    en = [p.text for p in doc.by_lang("en") if p.n > 0]
    zh = [p.text for p in doc.by_lang("zh") if p.n > 0]
    a = np.array(real_embedder.embed_documents(en))
    b = np.array(real_embedder.embed_documents(zh))
    sim = a @ b.T
    zh_to_en = [int(sim[:, j].argmax()) for j in range(len(zh))]
    en_to_zh = [int(sim[i].argmax()) for i in range(len(en))]
    assert zh_to_en == list(range(14))
    assert en_to_zh == list(range(14))


def test_query_prompt_is_used(real_embedder):
    m = real_embedder.model
    assert "query" in (m.prompts or {})
    q = real_embedder.embed_query("When did Trump visit China?")
    d = real_embedder.embed_documents(["When did Trump visit China?"])[0]
    assert len(q) == len(d) and not np.allclose(q, d)  # different prompts, different vectors
    assert abs(np.linalg.norm(q) - 1.0) < 1e-3


def test_real_ingest_aligns_the_seed_by_position(real_embedder, seed_text, tmp_path):
    from rag.compose import App
    from rag.settings import DEFAULT_CORPUS, Settings

    app = App(Settings(home=tmp_path), embedder=real_embedder)
    doc = indexer_for(app).prepare_path(DEFAULT_CORPUS)
    assert doc.alignment == tuple((n, n) for n in range(15)) and doc.unaligned == ()
    indexer_for(app).write([doc], progress=False)
    hits = app.retriever.paragraphs("特朗普总统访华的具体日期是哪几天？", k=3)
    assert (hits[0].lang, hits[0].paragraph) == ("zh", 1)


@needs_real
def test_a_code_line_is_found_through_its_heading(real_embedder, tmp_path):
    """Chunks are read under their heading path: on a real blog pair, the CI log line that names the
    failing task ranks first for a question about the CI log (without the heading it ranked 5th, out
    of the two pairs an answer reads; docs/eval.md)."""
    from rag.compose import App
    from rag.settings import Settings

    app = App(Settings(home=tmp_path), embedder=real_embedder)
    doc = indexer_for(app).prepare_pair(REAL / "antd" / "build-ghost.en.md", REAL / "antd" / "build-ghost.zh.md")
    indexer_for(app).write([doc], progress=False)
    pairs, _ = app.retriever.pairs("Which build task errored in the CI log?", k=2)
    assert "build2xCSS" in pairs[0].en.text
