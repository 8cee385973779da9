"""Citations in code, not trust.

Markers the model wrote are parsed and kept only when they name a paragraph that was in the context
and supports the sentence; sentences without a valid marker get one by matching them against the
context paragraphs (embedding similarity + overlap of words, numbers and Chinese words). When a
sentence uses a number or acronym that only the other-language twin states, the twin is cited too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, ClassVar, Iterator

import numpy as np

from rag.answer.state import AnswerState, Event, Tools
from rag.text.sentences import CLOSERS, ZH_SENT_END, split_sentences
from rag.text.tokens import tokenize
from rag.types import Citation, Document, Hit, Quote

MARKER_RE = re.compile(r"\s*[\[【(（]\s*(EN|ZH|En|Zh|en|zh)\s*[¶#]?\s*(\d{1,12})\s*[\]】)）]")
_NUM_RE = re.compile(r"\d+(?:\.\d+)?")
_ACRO_RE = re.compile(r"\b[A-Z][A-Z0-9]{1,6}\b")


def strip_markers(text: str) -> str:
    return re.sub(r"[ \t]+([.,;:!?。，；：！？])", r"\1", MARKER_RE.sub("", text)).strip()


def parse_markers(text: str) -> list[tuple[str, int]]:
    return [(lang.lower(), int(n)) for lang, n in MARKER_RE.findall(text)]


def marker(lang: str, n: int) -> str:
    return f"[{lang.upper()} ¶{n}]"


@dataclass(frozen=True)
class Source:
    """A paragraph the model saw."""

    hit: Hit
    tokens: frozenset[str]
    numbers: frozenset[str]
    acronyms: frozenset[str]


def _source(h: Hit) -> Source:
    return Source(h, frozenset(tokenize(h.text)), frozenset(_NUM_RE.findall(h.text)), frozenset(_ACRO_RE.findall(h.text)))


class CitationMatcher:
    def __init__(self, embedder=None, min_score: float = 0.3, twin_of=None) -> None:
        self.embedder = embedder
        self.min_score = min_score
        self.twin_of = twin_of  # (doc, lang, n) -> (doc, lang, n) | None

    def _scores(self, sentences: list[str], sources: list[Source]) -> np.ndarray:
        lex = np.zeros((len(sentences), len(sources)))
        for i, s in enumerate(sentences):
            toks = set(tokenize(s))
            nums = set(_NUM_RE.findall(s))
            for j, src in enumerate(sources):
                w = len(toks & src.tokens) / max(1, len(toks))
                n = len(nums & src.numbers) / len(nums) if nums else 0.0
                lex[i, j] = w + 0.3 * n
        if self.embedder is None or not sentences:
            return lex
        a = np.asarray(self.embedder.embed_documents(sentences))
        b = np.asarray(self.embedder.embed_documents([s.hit.text for s in sources]))
        dense = a @ b.T
        return 0.5 * dense + 0.5 * lex

    def assign(self, answer: str, context: list[Hit], twin_of=None) -> tuple[str, tuple[Citation, ...]]:
        """Return the answer with checked markers after each sentence, and its citations.
        ``twin_of`` overrides the matcher's own lookup for this call (the query's versions snapshot)."""
        twin_of = twin_of or self.twin_of
        if not context or not answer.strip():
            return strip_markers(answer), ()
        sources = [_source(h) for h in context]
        raw_sentences = [s for s in split_sentences(answer.strip()) if s.strip()]
        marks = [parse_markers(s) for s in raw_sentences]
        clean = [strip_markers(s) for s in raw_sentences]
        keep = [i for i, c in enumerate(clean) if c]
        sentences = [clean[i] for i in keep]
        marks = [marks[i] for i in keep]
        if not sentences:
            return "", ()
        scores = self._scores(sentences, sources)
        index = {(s.hit.lang, s.hit.paragraph): j for j, s in enumerate(sources)}
        per_sentence: list[list[int]] = []
        for i, sent in enumerate(sentences):
            best = int(scores[i].argmax())
            chosen: list[int] = []
            for lang, n in marks[i]:
                j = index.get((lang, n))
                if j is not None and scores[i, j] >= max(0.5 * scores[i, best], self.min_score * 0.5) and j not in chosen:
                    chosen.append(j)
            if not chosen and scores[i, best] >= self.min_score and len(sent) > 3:
                chosen.append(best)
            if chosen:
                self._add_twin(sent, chosen, sources, index, twin_of)
            per_sentence.append(chosen)
        if not any(per_sentence):  # every answer carries at least one citation: its best support
            i, j = np.unravel_index(int(scores.argmax()), scores.shape)
            per_sentence[int(i)] = [int(j)]
            self._add_twin(sentences[int(i)], per_sentence[int(i)], sources, index, twin_of)
        out: list[str] = []
        cited: list[int] = []
        for sent, chosen in zip(sentences, per_sentence):
            out.append(attach(sent, [marker(sources[j].hit.lang, sources[j].hit.paragraph) for j in chosen]))
            cited.extend(j for j in chosen if j not in cited)
        text = join_sentences(out)
        cits = tuple(
            Citation(sources[j].hit.doc, sources[j].hit.lang, sources[j].hit.paragraph, sources[j].hit.text) for j in cited
        )
        return text, cits

    def _add_twin(self, sent: str, chosen: list[int], sources: list[Source], index, twin_of=None) -> None:
        """Cite the other-language twin when the sentence has a number/acronym only the twin has."""
        first = sources[chosen[0]].hit
        other = "zh" if first.lang == "en" else "en"
        twins = [j for j, s in enumerate(sources) if s.hit.lang == other and s.hit.doc == first.doc]
        nums = set(_NUM_RE.findall(sent)) | set(_ACRO_RE.findall(sent))
        if not nums:
            return
        have = set().union(*(sources[j].numbers | sources[j].acronyms for j in chosen))
        missing = nums - have
        if not missing:
            return
        for j in twins:
            if twin_of and twin_of(first.doc, first.lang, first.paragraph) not in (None, sources[j].hit.paragraph):
                continue
            if missing & (sources[j].numbers | sources[j].acronyms) and j not in chosen:
                chosen.append(j)
                return


def attach(sentence: str, markers: list[str]) -> str:
    """The markers before the sentence's closing punctuation and typographic closing quotes; an ASCII
    quote or bracket stays before them (`pip install "fschat[webui]"` is copied whole)."""
    if not markers:
        return sentence
    s = sentence.rstrip()
    tail = ""
    while s and (s[-1] in ".!?;" + ZH_SENT_END + "。" or s[-1] in CLOSERS) and s[-1] not in "\"')":
        tail = s[-1] + tail
        s = s[:-1]
    sep = "" if re.search(r"[\u3400-\u9fff]$", s) else " "
    return f"{s}{sep}{' '.join(markers)}{tail}"


def join_sentences(sentences: list[str]) -> str:
    out = ""
    for s in sentences:
        if out and not re.search(r"[\u3400-\u9fff。！？；]$", out) and not out.endswith(" "):
            out += " "
        out += s
    return out


Lookup = Callable[[str], Document | None]


def exact(c: Citation, lookup: Lookup) -> Citation:
    """A citation carries the paragraph's own text, exactly as stored, its heading path and page."""
    doc = lookup(c.doc)
    p = doc.get(c.lang, c.paragraph) if doc else None
    return replace(c, text=p.text, section=p.section, page=p.page) if p else c


def twin_lookup(lookup: Lookup):
    """(doc, lang, n) → the aligned twin paragraph's number in the other language, from one snapshot."""

    def twin_of(doc_id: str, lang: str, n: int):
        doc = lookup(doc_id)
        return doc.twin(lang, n) if doc else None

    return twin_of


def cite(q: Quote, lookup: Lookup) -> Citation:
    """The citation of the paragraph a quoted sentence comes from, with that paragraph's stored text."""
    return exact(Citation(q.doc, q.lang, q.paragraph, ""), lookup)  # type: ignore[arg-type]


class CiteStage:
    """Every sentence of the answer cited by a context paragraph that supports it (code-checked markers)."""

    name: ClassVar[str] = "cite"
    setting: ClassVar[str | None] = None  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.matcher = tools.matcher

    def run(self, state: AnswerState) -> Iterator[Event]:
        state.text, cits = self.matcher.assign(state.text, state.citable, twin_of=twin_lookup(state.lookup))
        state.citations = tuple(exact(c, state.lookup) for c in cits)
        return iter(())
