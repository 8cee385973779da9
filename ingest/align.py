"""Align EN ¶n ↔ ZH ¶m: by position when it holds, else by embedding similarity."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ingest.parse import content_hash
from rag.embedder import cosine_matrix
from rag.types import Document, Paragraph


def align_by_similarity(sim: np.ndarray, min_sim: float = 0.3) -> list[tuple[int, int]]:
    """One-to-one mutual-best pairs (i, j) over a similarity matrix, greedy by score."""
    pairs: list[tuple[int, int]] = []
    used_i: set[int] = set()
    used_j: set[int] = set()
    order = np.dstack(np.unravel_index(np.argsort(-sim, axis=None), sim.shape))[0]
    for i, j in order:
        if sim[i, j] < min_sim:
            break
        if i in used_i or j in used_j:
            continue
        pairs.append((int(i), int(j)))
        used_i.add(int(i))
        used_j.add(int(j))
    return sorted(pairs)


def align(doc: Document, embed=None, min_agree: float = 0.8) -> Document:
    """Return ``doc`` with its alignment and unaligned paragraphs set.

    ``embed(texts) -> vectors`` is used when the counts differ, or to check positional order."""
    en = [p for p in doc.paragraphs if p.lang == "en" and p.n > 0]
    zh = [p for p in doc.paragraphs if p.lang == "zh" and p.n > 0]
    pairs: list[tuple[int, int]] = []
    if en and zh:
        positional = len(en) == len(zh)
        if embed is not None:
            sim = cosine_matrix(embed([p.text for p in en]), embed([p.text for p in zh]))
            if positional:
                agree = sum(
                    1 for k in range(len(en)) if sim[k].argmax() == k or sim[:, k].argmax() == k
                ) / len(en)
                positional = agree >= min_agree
            if not positional:
                matched = align_by_similarity(sim)
                # equal counts and an embedder that tells paragraphs apart poorly: keep the order
                if len(en) == len(zh) and len(matched) < len(en) / 2:
                    positional = True
                else:
                    pairs = [(en[i].n, zh[j].n) for i, j in matched]
        if positional:
            pairs = [(a.n, b.n) for a, b in zip(en, zh)]
        if doc.get("en", 0) and doc.get("zh", 0):
            pairs.insert(0, (0, 0))
    paired_en = {a for a, _ in pairs}
    paired_zh = {b for _, b in pairs}
    unaligned = tuple(
        (p.lang, p.n)
        for p in doc.paragraphs
        if len(doc.langs) == 2
        and ((p.lang == "en" and p.n not in paired_en) or (p.lang == "zh" and p.n not in paired_zh))
    )
    aligned = tuple(pairs)
    return replace(
        doc, alignment=aligned, unaligned=unaligned, content_hash=content_hash(doc.paragraphs, repr(aligned))
    )


def merge_pair(en_doc: Document, zh_doc: Document, doc_id: str, source: str) -> Document:
    """One document from two monolingual files (one per language)."""
    paras: list[Paragraph] = []
    for d, lang in ((en_doc, "en"), (zh_doc, "zh")):
        own = [p for p in d.paragraphs if p.lang == lang]
        paras.extend(replace(p, doc=doc_id) for p in own)
    meta = replace(
        en_doc.meta,
        title_zh=zh_doc.meta.title_zh or zh_doc.meta.title,
        date=en_doc.meta.date or zh_doc.meta.date,
        author=en_doc.meta.author or zh_doc.meta.author,
    )
    h = content_hash(paras)
    return Document(doc_id=doc_id, source=source, meta=meta, paragraphs=tuple(paras), content_hash=h, parse_hash=h)
