"""Candidate units: what a reader would quote, built from the retrieved aligned pairs.

A unit is a sentence of a long prose paragraph, a whole short paragraph, or a block with its lead-in
(a sentence ending in a colon and the list items, table rows or code it announces, or the headings
of the subsections it announces; a retrieved item brings its lead-in and siblings; a numbered list keeps
the code between its items). Units are taken from the asker's version of each pair; a paragraph
the other version alone has (no aligned twin) is a unit in its own language. Every unit keeps the
stored paragraphs it comes from and their aligned twins, so code can quote and cite them verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from rag.index.retrieve import PairHit
from rag.text.script import HAN_RE
from rag.text.sentences import split_sentences
from rag.types import Document, Paragraph

Lookup = Callable[[str], Document | None]
BLOCK_KINDS = ("list", "table", "code")
_COLON_END = re.compile(r"[:：]\s*$")
_NUMBERED = re.compile(r"\s*\(?(\d{1,3})[.)、）]")


@dataclass(frozen=True)
class Unit:
    """One numbered choice of the select call: text shown verbatim, where it comes from, its twins."""

    id: int  # 1-based, as numbered in the prompt
    doc: str
    lang: str  # the language of ``paragraphs`` ('en' | 'zh')
    paragraphs: tuple[Paragraph, ...]  # one paragraph, or a lead-in and the block it announces
    text: str  # a sentence of paragraphs[0] (a long paragraph), else "" (the paragraphs are shown whole)
    twins: tuple[Paragraph, ...] = ()  # the aligned paragraphs of the other version
    score: float = 0.0
    context: tuple[str, ...] = ()  # the document's id and title and the headings above the paragraphs

    @property
    def shown(self) -> str:
        """The unit as the model reads it (one line per paragraph)."""
        return self.text or "\n".join(p.text for p in self.paragraphs)

    @property
    def keys(self) -> frozenset[tuple[str, str, int]]:
        return frozenset((p.doc, p.lang, p.n) for p in self.paragraphs)


def tokens_estimate(text: str) -> int:
    """Prompt tokens a text costs, roughly: one per Han character, one per four other characters."""
    han = len(HAN_RE.findall(text))
    return han + (len(text) - han) // 4 + 1


def _member(same: Sequence[Paragraph], j: int, kind: str, step: int) -> int | None:
    """The next paragraph of a block of ``kind`` from ``j`` in direction ``step`` (1 or -1): the next
    paragraph if it is of the kind, or, in a numbered list, the next item past the code between two
    items whose numbers follow on ("2. …", code, "3. …": the second item's example); None where the
    block ends."""
    k = j + step
    if kind == "list":
        while 0 <= k < len(same) and same[k].kind == "code":
            k += step
    if not (0 <= k < len(same) and same[k].kind == kind):
        return None
    if abs(k - j) > 1 and not _follows(*sorted((same[j], same[k]), key=lambda q: q.n)):
        return None
    return k


def _follows(item: Paragraph, later: Paragraph) -> bool:
    """Is ``later`` the list item numbered right after ``item`` ("2." then "3.")?"""
    a, b = _NUMBERED.match(item.text), _NUMBERED.match(later.text)
    return bool(a and b) and int(b.group(1)) == int(a.group(1)) + 1


def _first(same: Sequence[Paragraph], i: int, kind: str) -> int:
    """The index of the first paragraph of the block of ``kind`` that index ``i`` is in."""
    while (k := _member(same, i, kind, -1)) is not None:
        i = k
    return i


def _span(same: Sequence[Paragraph], first: int, i: int, kind: str, max_items: int) -> tuple[int, int]:
    """The first and last index of the block from ``first`` that index ``i`` is in, at most ``max_items``
    paragraphs: those around ``i`` where the block is longer."""
    start = first if i - first < max_items else i - max_items // 2  # a long table or list: around the retrieved item
    end = i
    while (k := _member(same, end, kind, 1)) is not None and k - start < max_items:
        end = k
    return start, end


def _subsections(same: Sequence[Paragraph], i: int, max_items: int) -> list[Paragraph]:
    """The headings of the subsections a lead-in announces (a paragraph ending in a colon right before
    a heading): the headings of that heading's level until the first of a higher level."""
    level = len(same[i + 1].section)
    heads = []
    for q in same[i + 1:]:
        if q.kind == "heading" and len(q.section) < level:
            break
        if q.kind == "heading" and len(q.section) == level:
            heads.append(q)
    return heads[:max_items] if len(heads) > 1 else []


def _block_around(doc: Document, p: Paragraph, max_items: int) -> tuple[Paragraph, ...]:
    """A lead-in and its block: from a retrieved item (its lead-in and siblings) or from a lead-in (its
    items, or the headings of the subsections it announces); ``max_items`` 0: the paragraph alone."""
    if max_items <= 0:
        return (p,)
    same = [q for q in doc.by_lang(p.lang) if q.n > 0]
    i = {q.n: j for j, q in enumerate(same)}.get(p.n)
    if i is None:
        return (p,)
    if p.kind in BLOCK_KINDS:
        first = _first(same, i, p.kind)
        lead = [same[first - 1]] if first > 0 and _COLON_END.search(same[first - 1].text) else []
        start, end = _span(same, first, i, p.kind, max_items)
        return tuple(lead + same[start:end + 1])
    if not _COLON_END.search(p.text) or i + 1 >= len(same):
        return (p,)
    if same[i + 1].kind in BLOCK_KINDS:
        _, end = _span(same, i + 1, i + 1, same[i + 1].kind, max_items)
        return tuple(same[i:end + 1])
    if same[i + 1].kind == "heading":
        return (p, *_subsections(same, i, max_items))
    return (p,)


def _twins(doc: Document, paras: Sequence[Paragraph]) -> tuple[Paragraph, ...]:
    other = "zh" if paras[0].lang == "en" else "en"
    ns = dict.fromkeys(n for p in paras for n in doc.twins(p.lang, p.n))
    return tuple(t for t in (doc.get(other, n) for n in ns) if t is not None)


def _context(doc: Document, paras: Sequence[Paragraph]) -> tuple[str, ...]:
    """What scopes the paragraphs: a question names its document or section to say where it asks."""
    heads = (h for p in paras for h in p.section)
    return tuple(dict.fromkeys((doc.doc_id.replace(".", " ").replace("_", " "), doc.meta.title, doc.meta.title_zh, *heads)))


def _pieces(paras: tuple[Paragraph, ...], sentence_chars: int) -> list[str]:
    """A long prose paragraph is offered sentence by sentence; anything else whole (""); ``sentence_chars``
    0: every paragraph whole."""
    if sentence_chars <= 0 or len(paras) > 1 or paras[0].kind != "prose" or len(paras[0].text) <= sentence_chars:
        return [""]
    sents = [s.strip() for s in split_sentences(paras[0].text) if s.strip()]
    return sents if len(sents) > 1 else [""]


def build_units(
    pairs: Sequence[PairHit], lookup: Lookup, lang: str, budget_tokens: int = 450, max_items: int = 12,
    sentence_chars: int = 320,
) -> tuple[Unit, ...]:
    """Units of the pairs, best pair first, from version ``lang`` ('en' | 'zh') where the pair has it,
    until ``budget_tokens`` of unit text (the first unit always). ``max_items``: the list items, table
    rows or code paragraphs a lead-in brings (0: no blocks); ``sentence_chars``: a prose paragraph longer
    than this is offered sentence by sentence (0: never)."""
    out: list[Unit] = []
    seen: set[tuple[str, str, int]] = set()
    spent = 0
    for pair in pairs:
        hit = (pair.en if lang == "en" else pair.zh) or (pair.zh if lang == "en" else pair.en)
        doc = lookup(pair.doc)
        para = doc.get(hit.lang, hit.paragraph) if doc and hit else None
        if para is None or para.kind == "heading" or (para.doc, para.lang, para.n) in seen:
            continue
        paras = _block_around(doc, para, max_items)
        if any((p.doc, p.lang, p.n) in seen for p in paras):
            continue
        twins = _twins(doc, paras)
        context = _context(doc, (*paras, *twins))
        for piece in _pieces(paras, sentence_chars):
            unit = Unit(len(out) + 1, pair.doc, para.lang, paras, piece, twins, pair.score, context)
            cost = tokens_estimate(unit.shown)
            if out and spent + cost > budget_tokens:
                return tuple(out)
            out.append(unit)
            spent += cost
        seen.update((p.doc, p.lang, p.n) for p in paras)
    return tuple(out)
