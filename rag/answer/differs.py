"""The answer's lines on what the other version says (issues #33, #35), composed here, never by the model.

``twin_says``: the other version's wording of what the answer quotes, the quoted units' twin sentence
nearest the question, quoted under the answer verbatim (under "除非你特別的有錢，其實你根本沒有必要爲開源專案
而專門搞一個法律實體來支持。 [ZH ¶57]": "英文版寫作：“You don't need a legal entity to support your open
source project unless you're handling money.” [EN ¶57]"): a fact only one version states, or states
otherwise, is often in that sentence.

``Differences.note``: when a paragraph an answer cites has a ``numbers`` or ``missing`` discrepancy
(``rag.diff``), one line says so: the numbers each version states that the other does not, as the
paragraphs write them, or that the other version has no counterpart.

Every paragraph a line speaks of is cited; the pipeline adds the lines where it finishes the answer
text and records each in the answer's checks (outcome ``noted``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable, Sequence

from rag.answer import prompts
from rag.answer.compose import cite
from rag.answer.units import Unit
from rag.answer.verdict import said
from rag.text.chinese import in_script
from rag.text.sentences import split_sentences
from rag.types import Citation, Discrepancy, Document, Paragraph, SentenceCheck, doc_lang

NOTED = ("numbers", "missing")  # the kinds an answer mentions, the first found first


@dataclass(frozen=True)
class Note:
    line: str  # in the answer's language and script, with its markers
    citations: tuple[Citation, ...]  # the paragraphs it cites
    check: SentenceCheck  # the line, outcome "noted", the discrepancy as the reason


def _keys(d: Discrepancy) -> set[tuple[str, int]]:
    return {("en", n) for n in d.en} | {("zh", n) for n in d.zh}


def discrepancy_note(cited: Sequence[Citation], doc: Document, found: Sequence[Discrepancy],
                     answer_lang: str) -> Note | None:
    """The line on the first discrepancy of ``doc`` (``found``: its discrepancies) that touches a cited
    paragraph, a ``numbers`` one before a ``missing`` one; None when none does."""
    keys = {(c.lang, c.paragraph) for c in cited if c.doc == doc.doc_id}
    touching = sorted((d for d in found if d.kind in NOTED and keys & _keys(d)), key=lambda d: NOTED.index(d.kind))
    words = prompts.load(doc_lang(answer_lang))
    first = "zh" if doc_lang(answer_lang) == "en" else "en"  # the version the reader is not reading first
    for d in touching:
        made = _numbers_line(d, doc, words, first) if d.kind == "numbers" else _missing_line(d, doc, words, keys)
        if made is not None:
            line = in_script(made[0], answer_lang)
            return Note(line, tuple(cite(p) for p in made[1]),
                        SentenceCheck(line, "noted", f"{d.kind} discrepancy {d.where}: {d.reason}"))
    return None


def _paragraphs(doc: Document, lang: str, ns: Sequence[int]) -> list[Paragraph]:
    return [p for n in ns if (p := doc.get(lang, n)) is not None]


def _holding(paras: list[Paragraph], said: list[str]) -> Paragraph:
    """The first paragraph that writes one of ``said`` (else the first)."""
    return next((p for p in paras if any(s in unicodedata.normalize("NFKC", p.text) for s in said)), paras[0])


def _numbers_line(d: Discrepancy, doc: Document, words: dict, first: str) -> tuple[str, list[Paragraph]] | None:
    """"The Chinese version says 45 [ZH ¶5]; the English version says 30 [EN ¶5].": the numbers one
    version states that the other does not show in any form (``rag.diff.one_sided_numbers``)."""
    from rag.diff import one_sided_numbers

    paras = {"en": _paragraphs(doc, "en", d.en), "zh": _paragraphs(doc, "zh", d.zh)}
    if not paras["en"] or not paras["zh"]:
        return None
    en_only, zh_only = one_sided_numbers("\n".join(p.text for p in paras["en"]), "\n".join(p.text for p in paras["zh"]))
    said = {"en": en_only, "zh": zh_only}
    second = "en" if first == "zh" else "zh"
    if not said[first] and not said[second]:
        return None
    a, b = (first, second) if said[first] else (second, first)  # a states numbers; b states others or none
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

    def note(self, cited: Sequence[Citation], lookup: Callable[[str], Document | None], answer_lang: str) -> Note | None:
        """The line on the cited paragraphs' first discrepancy, the documents taken in the order cited."""
        for doc_id in dict.fromkeys(c.doc for c in cited):
            doc = lookup(doc_id)
            if doc is not None and len(doc.langs) == 2:
                made = discrepancy_note(cited, doc, self.of(doc), answer_lang)
                if made is not None:
                    return made
        return None


def with_note(text: str, citations: Sequence[Citation], note: Note) -> tuple[str, tuple[Citation, ...]]:
    """The answer text with the note as its last line, and its citations with the note's not yet there."""
    have = {c.key for c in citations}
    return f"{text.rstrip()}\n\n{note.line}", (*citations, *(c for c in note.citations if c.key not in have))


def twin_says(units: Sequence[Unit], question: Sequence[float], embed: Callable[[list[str]], list[list[float]]],
              answer_lang: str, most: int = 16) -> Note | None:
    """The other version's wording of what the answer quotes: of the sentences of the quoted units'
    twins (prose, one line each, not already shown; the first unit's first, at most ``most``), the one
    nearest the question (``question``: its vector; ``embed``: sentences to vectors, in the same space:
    one batch). A fact only one version states is often in the twin of the very sentence that answers
    ("unit test" / "单元测试和覆盖率测试"); a bilingual reader sees both wordings. None when no quoted
    unit has such a twin."""
    own = doc_lang(answer_lang)
    keys = {k for u in units for k in u.keys}
    shown = said(" ".join(x for u in units for x in (u.shown, *(p.text for p in u.paragraphs))))
    sentences = [(u, t, x.strip()) for u in units if u.lang == own for t in u.twins
                 if t.kind not in ("code", "figure") and (t.doc, t.lang, t.n) not in keys
                 for x in split_sentences(t.text) if x.strip() and "\n" not in x.strip()]
    sentences = [(u, t, x) for u, t, x in sentences if said(x) not in shown][:most]  # not what the answer shows already
    if not sentences:
        return None
    if len(sentences) > 1:  # one candidate needs no vectors
        vectors = embed([x for _, _, x in sentences])
        sims = [sum(a * b for a, b in zip(v, question)) for v in vectors]
        sentences = [sentences[max(range(len(sims)), key=lambda i: (sims[i], -i))]]
    u, t, quote = sentences[0]
    words = prompts.load(own)
    line = in_script(words["differs_twin"].format(version=words[f"version_name_{t.lang}"], quote=quote, label=t.label),
                     answer_lang)
    return Note(line, (cite(t),), SentenceCheck(line, "noted", f"{t.label}: the other version of {u.paragraphs[0].label}"))
