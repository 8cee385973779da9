"""Cheap evidence checks that back up the model's YES/NO verdict.

A question naming a person, place, organisation or year that appears nowhere in the documents
being answered from cannot be answered from them ("What did Biden say about Taiwan?" over a
document that never mentions Biden), unless the documents write the same name another way: a
regional transliteration (川普 for 特朗普), the other language's form, a Taiwanese word."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import ClassVar, Iterator, Sequence

from rag.answer.state import AnswerState, Event, Tools
from rag.index.embedder import Embedder, cosine_matrix
from rag.text.chinese import NAME_FLAGS, fold, mistagged_persons, tagged_words, to_mainland, to_simplified, to_traditional
from rag.text.script import HAN_RE, LATIN_WORD_RE
from rag.text.versions import is_language_word

_NAME_RE = re.compile(r"(?<![\w.])([A-Z][a-z]+(?:[-'][A-Za-z]+)*)")
_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_ACRONYM_RE = re.compile(r"(?<![A-Za-z])([A-Z]{2,6})(?![A-Za-z])")  # GDP, NATO (G20-style names keep digits out)
_COMMON = frozenset(
    """What Who Whom Whose When Where Why How Which Is Are Was Were Do Does Did Can Could Will Would Should
    The A An In On At Of For To From By With About According And Or But If Please Tell Explain Describe List
    Give Name Summarize Summarise Compare I You We They He She It This That These Those There Here Article
    Document Text Author Paragraph English Chinese American Americans Russian Russians European Asian
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mr Mrs Ms Dr President Minister Yes No""".split()
)


def question_terms(question: str) -> list[str]:
    """Names and years in a question (English capitalised words, Chinese proper nouns; not a common
    word jieba's dictionary tags as a person, ``mistagged_persons``: 许可 in 许可协议)."""
    terms: list[str] = []
    for m in _NAME_RE.finditer(question):
        w = re.sub(r"['’]s$", "", m.group(1))
        start = m.start(1)
        sentence_start = start == 0 or question[:start].rstrip()[-1:] in ".?!:"
        if w in _COMMON or sentence_start:  # a capital at a sentence start says nothing about names
            continue
        terms.append(w)
    words = LATIN_WORD_RE.findall(question)
    if len(words) < 3 or sum(1 for w in words if w.isupper()) * 2 <= len(words):  # not typed in capitals
        terms.extend(a for a in _ACRONYM_RE.findall(question) if a not in ("I", "OK"))
    terms.extend(_YEAR_RE.findall(question))
    han = "".join(ch if HAN_RE.match(ch) else " " for ch in to_simplified(question))
    if han.strip():
        common = mistagged_persons()
        for word, flag in tagged_words(han):
            word = word.strip()
            if flag in NAME_FLAGS and len(word) >= 2 and word not in common and not is_language_word(word):
                terms.append(word)
    return terms


def _haystack(texts: list[str]) -> tuple[str, str]:
    """The texts joined in simplified script: (lower-cased for words, as written for acronyms)."""
    cased = to_simplified("\n".join(texts))
    return cased.lower(), cased


def _present(term: str, hay: str, hay_cased: str) -> bool:
    if term.isupper() and term.isascii():  # an acronym: a whole word, as written
        return re.search(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", hay_cased) is not None
    return fold(term) in hay


def ungrounded_terms(question: str, texts: list[str], terms: Sequence[str] | None = None) -> list[str]:
    """Terms of the question that occur in none of ``texts`` (case-insensitive, simplified script).
    ``terms``: the question's terms when already known (``Query.terms``)."""
    hay, cased = _haystack(texts)
    terms = question_terms(question) if terms is None else terms
    return [t for t in dict.fromkeys(terms) if not _present(t, hay, cased)]


_LATIN_NAME = re.compile(r"(?<![\w.])[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}")
_ZH_NAME_KINDS = NAME_FLAGS | {"nz"}


@lru_cache(maxsize=16)
def document_names(texts: tuple[str, ...]) -> tuple[str, ...]:
    """The names the documents write: capitalised words and runs of them (up to three), and the
    Chinese words jieba tags as persons, places, organisations, other proper nouns or abbreviations."""
    names: dict[str, None] = {}
    for text in texts:
        for m in _LATIN_NAME.finditer(text):
            if m.group(0) not in _COMMON:
                names[m.group(0)] = None
        han = "".join(ch if HAN_RE.match(ch) else " " for ch in text)
        if han.strip():
            names.update((w, None) for w, f in tagged_words(han) if f in _ZH_NAME_KINDS and len(w) >= 2)
    return tuple(names)


def name_variants(
    missing: Sequence[str], texts: list[str], embedder: Embedder, min_similarity: float, near: list[str] | None = None
) -> dict[str, str]:
    """For each missing name, the documents' own name for it, when they write it another way: the
    mainland form of a Taiwanese or Hong Kong word (OpenCC's phrase tables: 紐西蘭 → 新西兰), or the
    document name the embedder puts closest, at least ``min_similarity`` (川普 → 特朗普, 0.88; not
    Putin → Russia, 0.84). ``near``: the texts whose names are compared (the context; default ``texts``)."""
    if not missing:
        return {}
    hay, cased = _haystack(texts)
    found: dict[str, str] = {}
    for term in missing:
        mainland = to_mainland(to_traditional(term))  # the question's terms are in simplified script
        if to_simplified(mainland) != to_simplified(term) and _present(mainland, hay, cased):
            found[term] = mainland
    rest = [t for t in missing if t not in found]
    names = [n for n in document_names(tuple(near if near is not None else texts)) if n not in rest]
    if rest and names:
        sims = cosine_matrix(embedder.embed_documents(rest), embedder.embed_documents(names))
        for i, term in enumerate(rest):
            han = bool(HAN_RE.match(term[0]))
            # the documents' name in the question's script first (川普 → 特朗普 rather than Trump)
            order = sorted(range(len(names)), key=lambda j: (bool(HAN_RE.match(names[j][0])) != han, -sims[i, j]))
            best = next((j for j in order if sims[i, j] >= min_similarity), None)
            if best is not None:
                found[term] = names[best]
    return found


def gloss(question: str, variants: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """The question with each name the documents write another way glossed by their form
    ("川普（特朗普）", "Putin (普京)"), so the model, which reads only the sources, sees what it is about."""
    out = question
    glossed: list[tuple[str, str]] = []
    for term, name in variants.items():
        i = out.find(term)
        if i < 0:
            continue
        han = bool(HAN_RE.match(term[0]))
        out = out[: i + len(term)] + (f"（{name}）" if han else f" ({name})") + out[i + len(term):]
        glossed.append((term, name))
    return out, glossed


def unglossed(text: str, glossed: list[tuple[str, str]]) -> str:
    """Take the glosses back out of an answer that repeated them ("川普（特朗普）说…" → "川普说…")."""
    for term, name in glossed:
        text = re.sub(rf"{re.escape(term)}\s*[（(]\s*{re.escape(name)}\s*[)）]", term, text)
    return text


class GlossStage:
    """A name the documents write another way is glossed with their form in the question the model
    reads (the ``ungrounded-terms`` rule found the variants)."""

    name: ClassVar[str] = "gloss"
    setting: ClassVar[str | None] = "name_variants"  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        pass

    def run(self, state: AnswerState) -> Iterator[Event]:
        state.prompt_question, state.glossed = gloss(state.prompt_question, state.variants)
        return iter(())
