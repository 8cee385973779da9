"""Refuse or answer: one ordered list of named rules, the first that fires decides, and the answer
records it (``decided_by``). Refusal does not rest on the model's "none" alone (a small
model seldom says it): the selected units must also hold the question's key terms.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

from rag.answer.units import Unit
from rag.text.chinese import to_simplified
from rag.text.tokens import tokenize
from rag.types import Verdict


@dataclass(frozen=True)
class Coverage:
    """The question's key terms and those the selected units (and their twins) hold."""

    terms: tuple[str, ...]
    found: tuple[str, ...]

    @property
    def share(self) -> float:
        return len(self.found) / len(self.terms) if self.terms else 1.0

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(t for t in self.terms if t not in self.found)


@lru_cache(maxsize=1)
def question_words() -> frozenset[str]:
    """Words that shape a question and name nothing (data: ``prompts/question_words.txt``)."""
    text = resources.files("rag.answer.prompts").joinpath("question_words.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _folded(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text)).lower()


def _holds(text: str, term: str) -> bool:
    """A term occurs in a text, or a word of it without one or two final letters does (plurals, -ed)."""
    if term in text:
        return True
    return term.isascii() and len(term) > 4 and (term[:-1] in text or (len(term) > 5 and term[:-2] in text))


def coverage(question: str, units: Sequence[Unit]) -> Coverage:
    """The question's content words (BM25 tokens, stop words out) held by the units' paragraphs and
    twins, in either language."""
    skip = question_words()
    terms = tuple(dict.fromkeys(t for t in tokenize(question) if t not in skip))
    text = _folded(" ".join(p.text for u in units for p in (*u.paragraphs, *u.twins)))
    return Coverage(terms, tuple(t for t in terms if _holds(text, t)))


def decide(units: Sequence[Unit], chosen: Sequence[Unit], cov: Coverage | None, min_coverage: float) -> Verdict:
    """no-sources → none-selected → terms-missing → selected."""
    if not units:
        return Verdict(True, "no-sources", "nothing in the library matches the question")
    if not chosen:
        return Verdict(True, "none-selected", "the model chose none of the candidate units")
    assert cov is not None
    ids = ", ".join(str(u.id) for u in chosen)
    if cov.share < min_coverage:
        return Verdict(True, "terms-missing", f"units {ids} hold {cov.share:.2f} of the question's key terms "
                       f"(below {min_coverage:.2f}); missing: {', '.join(cov.missing)}")
    return Verdict(False, "selected", f"units {ids} selected; they hold {cov.share:.2f} of the question's key terms")
