"""Paragraph → chunks. The paragraph is the unit; a long one is split on sentence ends with overlap."""

from __future__ import annotations

import hashlib

from rag.text.sentences import sentence_spans
from rag.types import Chunk, Document, Paragraph


def split_paragraph(text: str, budget: int, overlap: int = 1) -> list[tuple[int, int]]:
    """Spans (start, end) covering ``text``; consecutive spans share ``overlap`` sentences.

    A single sentence longer than the budget becomes its own chunk (never cut mid-sentence)."""
    if len(text) <= budget:
        return [(0, len(text))]
    sents = sentence_spans(text)
    spans: list[tuple[int, int]] = []
    i = 0
    prev_j = -1
    while i < len(sents):
        j = i
        while j + 1 < len(sents) and sents[j + 1][1] - sents[i][0] <= budget:
            j += 1
        if j <= prev_j:  # the overlap left no room for a new sentence: start right after the last chunk
            i = prev_j + 1
            continue
        spans.append((sents[i][0], sents[j][1]))
        prev_j = j
        if j + 1 >= len(sents):
            break
        i = max(j + 1 - overlap, i + 1)
    return spans


def chunk_title(p: Paragraph) -> str:
    """What a chunk's vector is read under: its paragraph's heading path ("Requirements",
    "API › Table"), so a table row or a list item is found by what its section is about."""
    return " › ".join(p.section)


def chunk_document(doc: Document, budget: int, overlap: int = 1) -> list[Chunk]:
    chunks: list[Chunk] = []
    for p in doc.paragraphs:
        aligned = doc.twin(p.lang, p.n)
        for idx, (a, b) in enumerate(split_paragraph(p.text, budget, overlap)):
            text = p.text[a:b].strip()
            h = hashlib.sha256(text.encode()).hexdigest()[:16]
            chunks.append(
                Chunk(
                    id=f"{doc.doc_id}:{doc.content_hash[:12]}:{p.lang}:{p.n}:{idx}",
                    doc=doc.doc_id,
                    lang=p.lang,
                    paragraph=p.n,
                    index=idx,
                    text=text,
                    aligned=aligned,
                    source=doc.source,
                    content_hash=h,
                    version=doc.content_hash,
                    title=chunk_title(p),
                )
            )
    return chunks
