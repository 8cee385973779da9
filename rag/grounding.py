"""Cheap, deterministic evidence checks that back up the model's YES/NO verdict.

A question naming a person, place, organisation or year that appears nowhere in the documents
being answered from cannot be answered from them ("What did Biden say about Taiwan?" over an
article that never mentions Biden)."""

from __future__ import annotations

import re
from functools import lru_cache

from rag.lang import HAN_RE, to_simplified

_NAME_RE = re.compile(r"(?<![\w.])([A-Z][a-z]+(?:[-'][A-Za-z]+)*)")
_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_COMMON = frozenset(
    """What Who Whom Whose When Where Why How Which Is Are Was Were Do Does Did Can Could Will Would Should
    The A An In On At Of For To From By With About According And Or But If Please Tell Explain Describe List
    Give Name Summarize Summarise Compare I You We They He She It This That These Those There Here Article
    Document Text Author Paragraph English Chinese American Americans Russian Russians European Asian
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mr Mrs Ms Dr President Minister Yes No""".split()
)
_ZH_NAME_FLAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nt", "j"})  # persons, places, organisations, abbreviations


@lru_cache(maxsize=1)
def _posseg():
    import jieba.posseg as pseg

    from rag.lang import _jieba

    _jieba()  # quiet logging, one initialisation
    return pseg


def question_terms(question: str) -> list[str]:
    """Names and years in a question (English capitalised words, Chinese proper nouns)."""
    terms: list[str] = []
    for m in _NAME_RE.finditer(question):
        w = re.sub(r"['’]s$", "", m.group(1))
        start = m.start(1)
        sentence_start = start == 0 or question[:start].rstrip()[-1:] in ".?!:"
        if w in _COMMON or sentence_start:  # a capital at a sentence start says nothing about names
            continue
        terms.append(w)
    terms.extend(_YEAR_RE.findall(question))
    han = "".join(ch if HAN_RE.match(ch) else " " for ch in to_simplified(question))
    if han.strip():
        for word, flag in _posseg().lcut(han):
            if flag in _ZH_NAME_FLAGS and len(word.strip()) >= 2:
                terms.append(word.strip())
    return terms


def ungrounded_terms(question: str, texts: list[str]) -> list[str]:
    """Terms of the question that occur in none of ``texts`` (case-insensitive, simplified script)."""
    hay = to_simplified("\n".join(texts)).lower()
    return [t for t in question_terms(question) if to_simplified(t).lower() not in hay]
