"""The answer's lines on where the two versions disagree (issue #35).

When a paragraph an answer cites has a ``numbers``, ``names`` or ``missing`` discrepancy
(``rag.diff``), the answer says so in a line composed here, never by the model: the sentences of the
version the reader is not reading that state numbers or names the cited paragraph lacks, quoted as
written (a fact only that version states reaches the reader); the numbers each version states that
the other does not; or that the other version has no counterpart. Every paragraph a line speaks of is
cited. The pipeline calls ``Differences.notes`` where it finishes the answer text and records each
line in the answer's checks (outcome ``noted``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

from rag.answer import prompts
from rag.answer.compose import cite
from rag.text.chinese import in_script
from rag.text.sentences import split_sentences
from rag.types import Citation, Discrepancy, Document, Paragraph, SentenceCheck, doc_lang

NOTED = ("numbers", "names", "missing")  # the kinds an answer mentions, in this order for one paragraph
MOST = 2  # lines at most under one answer


@dataclass(frozen=True)
class Note:
    line: str  # in the answer's language and script, with its markers
    citations: tuple[Citation, ...]  # the paragraphs it cites
    check: SentenceCheck  # the line, outcome "noted", the discrepancy as the reason


def _keys(d: Discrepancy) -> set[tuple[str, int]]:
    return {("en", n) for n in d.en} | {("zh", n) for n in d.zh}


def discrepancy_notes(cited: Sequence[Citation], doc: Document, found: Sequence[Discrepancy],
                      answer_lang: str, most: int = MOST) -> list[Note]:
    """Lines on the discrepancies of ``doc`` (``found``: its discrepancies) that touch a cited
    paragraph, those of the paragraph cited first first (for one paragraph: numbers, names, missing),
    at most ``most``; a discrepancy that tells the reader nothing new makes no line (a name only the
    reader's own version writes)."""
    order = {k: i for i, k in enumerate(dict.fromkeys((c.lang, c.paragraph) for c in cited if c.doc == doc.doc_id))}
    touching = [d for d in found if d.kind in NOTED and order.keys() & _keys(d)]
    touching.sort(key=lambda d: (min(order[k] for k in order.keys() & _keys(d)), NOTED.index(d.kind)))
    words = prompts.load(doc_lang(answer_lang))
    other = "zh" if doc_lang(answer_lang) == "en" else "en"  # the version the reader is not reading
    out: list[Note] = []
    for d in touching:
        made = _missing_line(d, doc, words, set(order)) if d.kind == "missing" else _values_line(d, doc, words, other)
        if made is not None and all(in_script(made[0], answer_lang) != n.line for n in out):
            line = in_script(made[0], answer_lang)
            out.append(Note(line, tuple(cite(p) for p in made[1]),
                            SentenceCheck(line, "noted", f"{d.kind} discrepancy {d.where}: {d.reason}")))
        if len(out) >= most:
            break
    return out


def discrepancy_note(cited: Sequence[Citation], doc: Document, found: Sequence[Discrepancy],
                     answer_lang: str) -> Note | None:
    """The first of ``discrepancy_notes``, or None."""
    return next(iter(discrepancy_notes(cited, doc, found, answer_lang, 1)), None)


def _paragraphs(doc: Document, lang: str, ns: Sequence[int]) -> list[Paragraph]:
    return [p for n in ns if (p := doc.get(lang, n)) is not None]


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _holding(paras: list[Paragraph], said: Sequence[str]) -> Paragraph:
    """The first paragraph that writes one of ``said`` (else the first)."""
    return next((p for p in paras if any(_norm(s) in _norm(p.text) for s in said)), paras[0])


def _quote(p: Paragraph, said: Sequence[str], most: int = 3) -> str:
    """The sentences of ``p`` from the first to the last that writes one of ``said``, verbatim (the
    first such sentence alone when that span is longer than ``most`` sentences)."""
    sentences = split_sentences(p.text)
    hits = [i for i, s in enumerate(sentences) if any(_norm(v) in _norm(s) for v in said)]
    if not hits:
        return p.text.strip()
    a, b = hits[0], hits[-1] if hits[-1] - hits[0] < most else hits[0]
    start = p.text.find(sentences[a])
    end = p.text.find(sentences[b], start) + len(sentences[b])
    return p.text[start:end].strip()


def _values_line(d: Discrepancy, doc: Document, words: dict, other: str) -> tuple[str, list[Paragraph]] | None:
    """For numbers or names one version states alone: "The English version also says: “…” [EN ¶5]."
    (the other version's sentences that state them, quoted) when the version the reader is not reading
    states them; "The Chinese version says 45 [ZH ¶5]; the English version says 30 [EN ¶5]." when both
    state numbers the other lacks; "… says 45 [ZH ¶5]; the English version does not [EN ¶5]." for
    numbers only the reader's version states; nothing for names only the reader's version writes."""
    paras = {"en": _paragraphs(doc, "en", d.en), "zh": _paragraphs(doc, "zh", d.zh)}
    said = {"en": d.en_only, "zh": d.zh_only}
    own = "en" if other == "zh" else "zh"
    if not paras["en"] or not paras["zh"] or not (said["en"] or said["zh"]):
        return None
    if said[other] and not (said[own] and d.kind == "numbers"):
        p = _holding(paras[other], said[other])
        return words["differs_adds"].format(version=words[f"version_name_{other}"], quote=_quote(p, said[other]),
                                            label=p.label), [p]
    if d.kind != "numbers":
        return None
    a, b = (other, own) if said[other] else (own, other)  # a states numbers; b states others or none
    pa, pb = _holding(paras[a], said[a]), _holding(paras[b], said[b])
    fill = {"first_version": words[f"version_name_{a}"], "first": ", ".join(said[a]), "first_label": pa.label,
            "second_version": words[f"version_name_{b}"], "second": ", ".join(said[b]), "second_label": pb.label}
    return words["differs_numbers" if said[b] else "differs_numbers_one"].format(**fill), [pa, pb]


def _missing_line(d: Discrepancy, doc: Document, words: dict, keys: set[tuple[str, int]]) -> tuple[str, list[Paragraph]] | None:
    """"The Chinese version has no counterpart of this paragraph [EN ¶7].": the cited paragraph of a run
    the other version lacks."""
    lang, ns = ("en", d.en) if d.en else ("zh", d.zh)
    p = next((p for p in _paragraphs(doc, lang, ns) if (lang, p.n) in keys), None)
    if p is None:
        return None
    other = "zh" if lang == "en" else "en"
    return words["differs_missing"].format(lacks_version=words[f"version_name_{other}"], label=p.label), [p]


class Differences:
    """Each document's discrepancies, worked out once per stored version (the retriever keeps one
    ``Document`` object per version, so a new object is a new version)."""

    def __init__(self, keep: int = 8) -> None:
        self.keep = keep
        self._seen: dict[str, tuple[Document, list[Discrepancy]]] = {}

    def of(self, doc: Document) -> list[Discrepancy]:
        hit = self._seen.get(doc.doc_id)
        if hit is None or hit[0] is not doc:
            from rag.diff import discrepancies

            if len(self._seen) >= self.keep:
                self._seen.pop(next(iter(self._seen)), None)
            hit = self._seen[doc.doc_id] = (doc, discrepancies(doc))
        return hit[1]

    def notes(self, cited: Sequence[Citation], lookup: Callable[[str], Document | None], answer_lang: str,
              most: int = MOST) -> list[Note]:
        """The lines on the cited paragraphs' discrepancies, the documents taken in the order cited."""
        out: list[Note] = []
        for doc_id in dict.fromkeys(c.doc for c in cited):
            doc = lookup(doc_id)
            if doc is not None and len(doc.langs) == 2:
                out += discrepancy_notes(cited, doc, self.of(doc), answer_lang, most - len(out))
            if len(out) >= most:
                break
        return out


def with_notes(text: str, citations: Sequence[Citation], notes: Sequence[Note]) -> tuple[str, tuple[Citation, ...]]:
    """The answer text with the notes as its last lines, and its citations with the notes' not yet there."""
    if not notes:
        return text, tuple(citations)
    seen = {c.key: c for c in citations}
    for note in notes:
        for c in note.citations:
            seen.setdefault(c.key, c)
    return text.rstrip() + "\n\n" + "\n".join(n.line for n in notes), tuple(seen.values())
