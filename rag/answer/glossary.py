"""Questions that ask one language's word for another's, answered from a pair the documents write
side by side ("What Chinese name does the Chinese README give Qwen?" → "Qwen（通义千问）", ZH ¶10).

A 1.5B model given such a paragraph still answers with the word it was asked about ("Qwen"), and the
word asked for may sit in a paragraph retrieval ranks low. The pair, where a paragraph writes it, is
the document's own answer: it is found here (``find``) and given verbatim by
``rag.answer.replies.rendering_reply``, when ``rag.answer.verdict``'s rule ``rendering`` says so."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from rag.answer.state import AnswerState
from rag.text.chinese import fold
from rag.text.renderings import Rendering, named_side, renderings
from rag.text.script import HAN_RE, LATIN_RE
from rag.text.versions import is_language_word
from rag.types import Paragraph

# a question that asks more than the word ("…give Qwen, and when was it released?") is the model's
_COMPOUND = re.compile(r"\band\b|以及|并且|同时|还有|另外", re.I)
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9.\-_]*")


@dataclass(frozen=True)
class Found:
    """A pair that answers the question: the paragraph writing it, the word the question names
    (``known``) and the word it asks for (``asked``, in ``asked_lang``). For a heading and its aligned
    twin heading ("Cache for Components" ↔ "组件缓存"), ``paragraph`` is the asked version's heading and
    ``twin`` the other's."""

    paragraph: Paragraph
    rendering: Rendering
    known: str
    asked: str
    asked_lang: str
    twin: Paragraph | None = None


def _paragraphs(state: AnswerState) -> Iterator[Paragraph]:
    """The context's paragraphs first (the named version's before the other's), then every other
    paragraph of their documents, in order; code is not prose and is skipped."""
    first = state.q.version or state.q.word_lang
    seen: set[tuple[str, str, int]] = set()
    docs = [d for d in dict.fromkeys(h.doc for h in state.context) if d]
    hits = sorted(state.context, key=lambda h: h.lang != first)
    for h in hits:
        doc = state.lookup(h.doc)
        p = doc.get(h.lang, h.paragraph) if doc else None
        if p is not None:
            seen.add((p.doc, p.lang, p.n))
            yield p
    for doc_id in docs:
        doc = state.lookup(doc_id)
        for p in sorted(doc.paragraphs, key=lambda p: p.lang != first) if doc else ():
            if (p.doc, p.lang, p.n) not in seen:
                yield p


def _translated(en: Paragraph, zh: Paragraph) -> bool:
    """Two headings that are each in their version's script ("Concurrent problem" / "并发问题"; not
    "Table" / "Table", "API" / "API")."""
    return bool(HAN_RE.search(zh.text)) and not HAN_RE.search(en.text) and bool(LATIN_RE.search(en.text))


def _headings(state: AnswerState, asked_lang: str) -> Iterator[tuple[Paragraph, Rendering, Paragraph]]:
    """The documents' headings aligned one to one with a translated heading of the other version, as
    pairs: a section's title in the two versions names one thing; each is named only whole."""
    for doc_id in dict.fromkeys(h.doc for h in state.context):
        doc = state.lookup(doc_id)
        for en_n, zh_n in doc.alignment if doc else ():
            en, zh = doc.get("en", en_n), doc.get("zh", zh_n)
            if not (en and zh and en.kind == zh.kind == "heading" and _translated(en, zh)):
                continue
            if len(doc.twins("en", en_n)) == len(doc.twins("zh", zh_n)) == 1:
                asked, known = (zh, en) if asked_lang == "zh" else (en, zh)
                yield asked, Rendering(en.text, zh.text, asked.text, whole=True), known


def _candidates(state: AnswerState, asked_lang: str) -> list[tuple[Paragraph, Rendering, Paragraph | None]]:
    """The written pairs, then the heading pairs. A Han gloss the documents give to two different
    Latin words is a note, not a name ("LoRA ([论文](…))" and "Q-LoRA ([论文](…))": 论文, "paper")."""
    written = [(p, r) for p in _paragraphs(state) if p.kind != "code" for r in renderings(p.text)]
    glossed: dict[str, set[str]] = {}
    for _, r in written:
        if not r.han_run:
            glossed.setdefault(r.han, set()).add(r.latin.lower())
    found: list[tuple[Paragraph, Rendering, Paragraph | None]] = [
        (p, r, None) for p, r in written if r.han_run or len(glossed[r.han]) == 1
    ]
    return found + list(_headings(state, asked_lang))


def _names_after(question: str, end: int, labels: list[str]) -> list[str]:
    """Names the question mentions after ``end``: Latin words with a capital or a digit, not a
    language, a kind of text ("README") or a word of the documents' names ("the Qwen README")."""
    hay = " ".join(labels).lower()
    names = []
    for m in _LATIN.finditer(question, end):
        w = m.group(0)
        if (w[0].isupper() or any(c.isupper() or c.isdigit() for c in w)) and not is_language_word(w) and w.lower() not in hay:
            names.append(w)
    return names


def find(state: AnswerState) -> Found | None:
    """The pair whose side in the other language the question names, when the question asks for a
    word of one language and nothing more. The word asked about is the last name the question
    mentions ("What Chinese name does the Qwen README use for ModelScope?"): of the pairs it names, the
    one named last, and none when another name follows ("…the Qwen README give to vLLM?": none)."""
    asked_lang = state.q.word_lang
    question = state.q.standalone
    if asked_lang is None or _COMPOUND.search(question):
        return None
    known_lang = "en" if asked_lang == "zh" else "zh"
    best: tuple[int, Found] | None = None
    folded = fold(question)
    for p, r, twin in _candidates(state, asked_lang):
        known = named_side(r, folded, known_lang)
        if known and fold(r.side(asked_lang)) not in folded:
            end = folded.rfind(fold(known)) + len(known)
            if best is None or end > best[0]:
                best = (end, Found(p, r, known, r.side(asked_lang), asked_lang, twin))
    if best is None or _names_after(question, best[0], state.labels):
        return None
    return best[1]
