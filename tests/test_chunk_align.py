from __future__ import annotations

from dataclasses import replace

from ingest.align import align, dp_align
from ingest.chunk import chunk_document, split_paragraph
from ingest.parse import parse_text
from rag.index.embedder import FakeEmbedder
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

    def embed(paragraphs):
        out = []
        for p in paragraphs:
            v = np.zeros(32)
            v[original[p.text]] = 1.0
            out.append(v.tolist())
        return out

    aligned = align(doc2, embed)
    pairs = dict(aligned.alignment)
    assert pairs[4] == 4 and pairs[6] == 5 and pairs[14] == 13
    assert ("en", 5) in aligned.unaligned
    # each link's similarity is kept with the alignment (the discrepancy report's `stale` reads it)
    assert aligned.link_similarity(4, 4) == 1.0 and aligned.link_similarity(5, 5) is None


def _vecs(*rows):
    v = np.asarray(rows, dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_dp_alignment_links_one_to_one_and_leaves_gaps():
    E = _vecs([1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1])
    Z = _vecs([1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1])  # ZH 1 has no English counterpart
    links = dp_align(E, Z, ["prose"] * 3, ["prose"] * 4)
    assert links == [((0,), (0,)), ((1,), (2,)), ((2,), (3,))]


def test_dp_alignment_joins_a_split_paragraph():
    # EN 1 was translated as two paragraphs, each carrying half of its meaning
    E = _vecs([1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1])
    Z = _vecs([1, 0, 0, 0], [0, 1, 0.2, 0], [0, 0.2, 1, 0], [0, 0, 0, 1])
    links = dp_align(E, Z, ["prose"] * 3, ["prose"] * 4)
    assert links == [((0,), (0,)), ((1,), (1, 2)), ((2,), (3,))]
    # and the other way round
    assert dp_align(Z, E, ["prose"] * 4, ["prose"] * 3) == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]


def _document_like(n: int, extra: int, seed: int = 7):
    """Vectors like a real document's: every paragraph shares the document's topic (unrelated paragraphs
    are 0.5–0.7 alike), a translation is its own paragraph's vector plus noise; the Chinese version has
    one more paragraph (after ``extra``) that is only about the topic."""
    rng = np.random.default_rng(seed)
    topic = rng.normal(size=64)
    own = rng.normal(size=(n, 64))
    E = topic * 1.2 + own + rng.normal(scale=0.3, size=(n, 64))
    Z = topic * 1.2 + own + rng.normal(scale=0.3, size=(n, 64))
    lead_in = topic * 1.2 + rng.normal(scale=0.8, size=64)
    Z = np.vstack([Z[: extra + 1], lead_in, Z[extra + 1 :]])
    return _vecs(*E), _vecs(*Z)


def test_a_paragraph_without_counterpart_is_not_forced_into_a_link():
    E, Z = _document_like(12, extra=5)
    assert (E @ Z.T)[5, 6] > 0.45  # as alike to its neighbour as an absolute threshold lets through
    links = dp_align(E, Z, ["prose"] * 12, ["prose"] * 13)
    assert all(6 not in z for _, z in links)  # the lead-in stands alone
    assert [(e, z) for e, z in links] == [((i,), (i if i <= 5 else i + 1,)) for i in range(12)]


def test_a_table_row_too_many_is_not_merged_into_its_neighbour():
    E = _vecs([1, 0, 0], [0, 1, 0], [0, 0.9, 0.44])  # the third row is much like the second
    Z = _vecs([1, 0, 0], [0, 1, 0])
    assert dp_align(E, Z, ["prose"] * 3, ["prose"] * 2)[-1] == ((1, 2), (1,))  # prose: a split translation
    assert dp_align(E, Z, ["table"] * 3, ["table"] * 2) == [((0,), (0,)), ((1,), (1,))]  # rows: a row missing


def test_dp_alignment_is_monotonic_and_keeps_code_with_code():
    E = _vecs([1, 0, 0], [0, 1, 0], [0, 0, 1])
    Z = _vecs([0, 0, 1], [0, 1, 0], [1, 0, 0])  # reversed: only one link can keep the order
    assert len(dp_align(E, Z, ["prose"] * 3, ["prose"] * 3)) == 1
    same = _vecs([1, 0], [1, 0])
    assert dp_align(same[:1], same[:1], ["code"], ["prose"], ) == [((0,), (0,))]  # 1.0 - penalty still links
    weak = _vecs([1, 0])
    half = _vecs([0.6, 0.8])  # similarity 0.6: a link for prose, not for code against prose
    assert dp_align(weak, half, ["prose"], ["prose"]) == [((0,), (0,))]
    assert dp_align(weak, half, ["code"], ["prose"]) == []


def test_headings_anchor_the_sections_when_the_outlines_match():
    from ingest.align import _segments
    from rag.types import Paragraph

    def paras(lang, kinds):
        return [Paragraph("d", lang, i + 1, f"{k}{i}", (("H",) if k == "heading" else ()), k) for i, k in enumerate(kinds)]

    en = paras("en", ["prose", "heading", "prose", "prose", "heading", "prose"])
    zh = paras("zh", ["prose", "heading", "prose", "heading", "prose", "prose"])
    segs = [(list(a), list(b)) for a, b in _segments(en, zh)]
    assert segs == [([0], [0]), ([1], [1]), ([2, 3], [2]), ([4], [3]), ([5], [4, 5])]
    zh_other = paras("zh", ["prose", "heading", "prose", "prose", "prose", "prose"])
    assert len(_segments(en, zh_other)) == 1  # outlines differ: one alignment over everything


def test_fake_embedder_is_deterministic():
    e = FakeEmbedder()
    assert e.embed_query("中美关系") == FakeEmbedder().embed_query("中美关系")


def test_figures_with_translated_alt_text_pair_by_where_they_stand():
    """A translation keeps its figures after the same paragraphs; their alt text is translated
    (so it never matches), and two figures may share one caption ("容错流程" twice)."""
    from ingest.align import _figures
    from rag.types import Paragraph

    def paras(lang, items):
        return [Paragraph("d", lang, i + 1, text, (), kind) for i, (kind, text) in enumerate(items)]

    en = paras("en", [("figure", "System diagram"), ("prose", "Masters watch workers."),
                      ("figure", "failover-master"), ("prose", "Workers report."), ("figure", "failover-worker"),
                      ("figure", "logo")])
    zh = paras("zh", [("figure", "系统图"), ("prose", "Master 监控 Worker。"), ("figure", "容错流程"),
                      ("prose", "Worker 上报。"), ("figure", "容错流程"), ("prose", "结束 logo")])
    links = [(2, 2), (4, 4)]
    assert sorted(_figures(en, zh, links)) == [(1, 1), (3, 3), (5, 5)]
    # a figure whose neighbour paragraph has no counterpart stays unpaired
    assert sorted(_figures(en, zh, [(2, 2)])) == [(1, 1), (3, 3)]
