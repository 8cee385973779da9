from __future__ import annotations

from dataclasses import replace

from ingest.align import align, align_by_similarity
from ingest.chunk import chunk_document, split_paragraph
from ingest.parse import parse_text
from rag.embedder import FakeEmbedder
import numpy as np


def test_short_paragraph_is_one_chunk():
    assert split_paragraph("短段落。", 100) == [(0, 4)]


def test_long_chinese_paragraph_splits_on_sentence_ends_with_overlap():
    text = "".join(f"这是第{i}句话，内容比较长一些。" for i in range(30))
    spans = split_paragraph(text, 60, overlap=1)
    assert len(spans) > 3
    for a, b in spans:
        assert b - a <= 60
        assert text[b - 1] == "。"
    # consecutive chunks overlap by one sentence, and together they cover every character
    for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
        assert a2 < b1
    covered = set()
    for a, b in spans:
        covered.update(range(a, b))
    assert covered == set(range(len(text)))


def test_chunks_carry_their_metadata(seed_text):
    doc = align(parse_text(seed_text, "seed", "seed.txt"))
    chunks = chunk_document(doc, budget=400)
    zh6 = [c for c in chunks if c.lang == "zh" and c.paragraph == 6]
    assert zh6 and all(c.aligned == 6 and c.doc == "seed" and c.source == "seed.txt" for c in zh6)
    en13 = [c for c in chunks if c.lang == "en" and c.paragraph == 13]
    assert len(en13) >= 3 and [c.index for c in en13] == list(range(len(en13)))
    assert len({c.id for c in chunks}) == len(chunks)
    assert all(c.version == doc.content_hash and len(c.content_hash) == 16 for c in chunks)


def test_positional_alignment_of_the_seed(seed_text):
    doc = align(parse_text(seed_text, "seed", "seed.txt"))
    assert doc.alignment == tuple((n, n) for n in range(15))
    assert doc.unaligned == ()
    assert doc.twin("zh", 1) == 1 and doc.twin("en", 14) == 14


def test_alignment_by_similarity_when_counts_differ(seed_text):
    doc = parse_text(seed_text, "seed", "seed.txt")
    # drop Chinese ¶5 and renumber: counts differ now
    zh = [p for p in doc.paragraphs if p.lang == "zh" and p.n != 5]
    zh = [replace(p, n=i) for i, p in enumerate(zh)]
    doc2 = replace(doc, paragraphs=tuple(p for p in doc.paragraphs if p.lang == "en") + tuple(zh))
    # an oracle embedder: English ¶n and the Chinese paragraph that was ¶n share a vector
    original = {p.text: p.n for p in doc.paragraphs}

    def embed(texts):
        out = []
        for t in texts:
            v = np.zeros(32)
            v[original[t]] = 1.0
            out.append(v.tolist())
        return out

    aligned = align(doc2, embed)
    pairs = dict(aligned.alignment)
    assert pairs[4] == 4 and pairs[6] == 5 and pairs[14] == 13
    assert ("en", 5) in aligned.unaligned


def test_align_by_similarity_is_one_to_one():
    sim = np.array([[0.9, 0.8], [0.85, 0.2]])
    assert align_by_similarity(sim) == [(0, 0)]  # (1, 1) is below the floor; (1, 0) is taken
    assert align_by_similarity(np.array([[0.9, 0.1], [0.1, 0.8]])) == [(0, 0), (1, 1)]


def test_fake_embedder_is_deterministic():
    e = FakeEmbedder()
    assert e.embed_query("中美关系") == FakeEmbedder().embed_query("中美关系")
