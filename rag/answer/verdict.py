"""Refuse or answer: one ordered list of named rules, the first that fires decides,
and the answer records it (``decided_by``). Refusal does not rest on the model's "none" alone (a small
model seldom says it): the selected units must also hold the question's key terms, and state a number
when the question asks for one (of the kind it asks). The words and patterns these rules read are data,
``prompts/*.txt`` and ``prompts/asks_number.toml``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module, resources
from typing import Mapping, Sequence

from rag.answer.units import Unit
from rag.text import data_lines
from rag.text.chinese import folded, jieba_lib
from rag.text.numerals import stated, words as numeral_words
from rag.text.script import HAN_RE
from rag.text.tokens import tokenize
from rag.types import Verdict


@dataclass(frozen=True)
class Coverage:
    """The question's key terms, those the selected units (and their twins) hold, and how much each
    weighs (its idf over the library: a word most paragraphs have says little when it is missing)."""

    terms: tuple[str, ...]
    found: tuple[str, ...]
    weights: tuple[float, ...] = ()  # one per term; () = every term weighs 1
    numbers: tuple[str, ...] | None = None  # a question that asks for a number: those of its kind the units add
    asked: str = ""  # the kind of number asked (``asked_number``)
    measure: str = ""  # the measure it is asked in (``asked_measure``: time, size, share), if any
    measured: bool = True  # do the units state a number in a unit of that measure?

    @property
    def words(self) -> tuple[str, ...]:
        """The terms that are not part of a longer Chinese term of the question: jieba's search mode gives
        a Chinese word and its parts (速查表, 速查, 查表), which are one word of the question, not three (an
        English word is its own: "use" is not part of "user")."""
        return tuple(t for t in self.terms if not _part(t, self.terms))

    def credit(self, word: str) -> float:
        """How much of a word the units hold: all of it, or, for a Chinese word, the longest part of it they
        hold (速查 of 速查表: 2/3)."""
        if word in self.found:
            return 1.0
        return max((len(t) / len(word) for t in self.found if _part(t, (word,))), default=0.0)

    @property
    def share(self) -> float:
        """The held share of the question's words, each weighed by its idf."""
        w = dict(zip(self.terms, self.weights or (1.0,) * len(self.terms)))
        total = sum(w[t] for t in self.words)
        return sum(w[t] * self.credit(t) for t in self.words) / total if total else 1.0

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(t for t in self.words if self.credit(t) < 1.0)


def _part(term: str, others: Sequence[str]) -> bool:
    """Is ``term`` a Chinese part of a longer Chinese term among ``others``?"""
    return bool(HAN_RE.search(term)) and any(term != o and term in o and HAN_RE.search(o) for o in others)


def _data_lines(name: str) -> tuple[str, ...]:
    """The lines of a data file under ``rag/answer/prompts``, comments (#) and blank lines out."""
    return data_lines("rag.answer.prompts", name)


@lru_cache(maxsize=1)
def question_words() -> frozenset[str]:
    """Words that shape a question and name nothing (data: ``prompts/question_words.txt``)."""
    return frozenset(_data_lines("question_words.txt"))


@lru_cache(maxsize=1)
def function_tags() -> tuple[str, ...]:
    """jieba part-of-speech tags of Chinese words that name nothing (data: ``prompts/function_tags.txt``)."""
    return _data_lines("function_tags.txt")


def _tagged(flag: str, tags: Sequence[str]) -> bool:
    return any(flag == t or (t.endswith("*") and flag.startswith(t[:-1])) for t in tags)


def function_words(question: str) -> frozenset[str]:
    """The question's Chinese words whose part of speech names nothing (如果, 按照, 不, 什么, 里…)."""
    if not HAN_RE.search(question):
        return frozenset()
    tags = function_tags()
    jieba_lib()  # quiet
    pos = import_module("jieba.posseg")
    return frozenset(w.word for w in pos.cut(question) if HAN_RE.search(w.word) and _tagged(w.flag, tags))


NUMBER_KINDS = ("date", "version", "duration", "count")  # the order they are tried in: the first that matches is asked


@lru_cache(maxsize=1)
def _asks_number() -> dict:
    """``prompts/asks_number.toml``, read once: the number kinds' patterns and the ``[measure.*]`` tables."""
    return tomllib.loads(resources.files("rag.answer.prompts").joinpath("asks_number.toml").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _number_patterns() -> tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]:
    """What a question that asks for a number says, by kind (data: ``prompts/asks_number.toml``)."""
    data = _asks_number()
    return tuple((kind, tuple(re.compile(p, re.I) for p in data[kind])) for kind in NUMBER_KINDS)


def asked_number(question: str) -> str | None:
    """The kind of number the question asks for (date, version, duration, count), or None."""
    return next((kind for kind, pats in _number_patterns() if any(p.search(question) for p in pats)), None)


@lru_cache(maxsize=1)
def _measure_patterns() -> tuple[tuple[str, tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]], ...]:
    """Per measure, what a question asking in its units says and what a stated quantity in them looks
    like (data: ``prompts/asks_number.toml``, ``[measure.*]``; ``{n}``: a number in digits or in the
    Chinese numerals of ``rag/text/data/numerals.toml``)."""
    w = numeral_words()
    number = rf"(?<![A-Za-z0-9_.])(\d+(?:[.,]\d+)*|[{w.zh_chars}]+)"
    return tuple((name, tuple(re.compile(p, re.I) for p in m["asks"]),
                  tuple(re.compile(p.replace("{n}", number), re.I) for p in m["states"]))
                 for name, m in _asks_number()["measure"].items())


def _named_measure(question: str) -> str | None:
    """The measure whose units (or what they measure) the question names, if any."""
    return next((name for name, asks, _ in _measure_patterns() if any(p.search(question) for p in asks)), None)


def asked_measure(question: str) -> str | None:
    """The measure a question that asks for a number asks it in (time, size, share), or None."""
    return _named_measure(question) if asked_number(question) else None


def states_measure(measure: str, texts: Sequence[str]) -> bool:
    """Does one of the texts state a number in a unit of the measure ("300 ms", "16 GB", 百分之三十)?"""
    states = next(s for name, _, s in _measure_patterns() if name == measure)
    return any(p.search(t) for t in map(folded, texts) for p in states)


def _is_year(value: str) -> bool:
    return value.isdigit() and 1900 <= int(value) <= 2099


def answers(kind: str, value: str) -> bool:
    """Can a stated number (its canonical form, ``numerals.stated``) answer a question that asks for
    this kind of number? A date or a year answers "which year", not "how many"; a version answers
    "which version", not "how much"; any number a span of time ("2001-2006" took five years)."""
    dated = value.startswith("date:") or _is_year(value)
    return {"date": dated, "version": not value.startswith("date:"), "duration": True,
            "count": not dated and not value.startswith("v:")}[kind]


@lru_cache(maxsize=1)
def _vague_durations() -> tuple[re.Pattern[str], ...]:
    """Spans of time stated without a number (data: ``prompts/asks_number.toml``, ``vague_duration``)."""
    return tuple(re.compile(p, re.I) for p in _asks_number()["vague_duration"])


def added_numbers(question: str, texts: Sequence[str], kind: str) -> tuple[str, ...]:
    """The numbers of the kind asked that the texts state and the question does not (canonical:
    一千三百五十 = 1,350); for "how long", a span stated without one too (数周, "a few hours")."""
    asked = {n.value for n in stated(question)}
    found = [n.value for t in texts for n in stated(t)]
    if kind == "duration":
        found += [m.group(0) for t in map(folded, texts) for p in _vague_durations() for m in p.finditer(t)]
    return tuple(dict.fromkeys(v for v in found if v not in asked and answers(kind, v)))


def said(text: str) -> str:
    """A text as key terms are looked for in it: width and script folded, lower case."""
    return folded(text).lower()


def holds(text: str, term: str) -> bool:
    """A term occurs in a text, or a word of it without one or two final letters does (plurals, -ed)."""
    if term in text:
        return True
    return term.isascii() and len(term) > 4 and (term[:-1] in text or (len(term) > 5 and term[:-2] in text))


@lru_cache(maxsize=256)
def key_terms(question: str) -> tuple[str, ...]:
    """The question's content words: BM25 tokens, question words out, an English possessive's 's too
    (kept for the last questions: ``analyze`` and the chooser's best sentence read the same question)."""
    skip = question_words() | function_words(question)
    words = (t[:-2] if t.endswith("'s") else t for t in tokenize(question))
    return tuple(dict.fromkeys(t for t in words if t and t not in skip and not _made_of(t, skip)))


def _made_of(word: str, parts: frozenset[str]) -> bool:
    """Is a Chinese word a run of the given words? The search tokenizer may join two words that the
    part-of-speech tagger keeps apart (法律篇里: 篇里 for classifier 篇 and locative 里)."""
    if not HAN_RE.search(word):
        return False
    ends = {0}  # the prefixes of ``word`` that are runs of ``parts``
    for i in range(1, len(word) + 1):
        if any(word[j:i] in parts for j in ends if j < i):
            ends.add(i)
    return len(word) in ends


def coverage(
    question: str, units: Sequence[Unit], idf: Mapping[str, float] | None = None, terms: Sequence[str] | None = None,
) -> Coverage:
    """The question's content words (BM25 tokens, stop words out, an English possessive's 's too) held
    by the units' paragraphs and twins, in either language, or by what scopes them (the document's
    title, the headings above them: "the Qwen README's table" names where to look). ``terms``: the
    question's key terms when the caller has them already."""
    terms = tuple(terms) if terms is not None else key_terms(question)
    quoted = [p.text for u in units for p in (*u.paragraphs, *u.twins)]
    text = said(" ".join([*quoted, *(c for u in units for c in u.context)]))
    weights = tuple(idf.get(t, 1.0) for t in terms) if idf is not None else ()
    kind = asked_number(question)
    numbers = added_numbers(question, quoted, kind) if kind else None
    measure = (_named_measure(question) or "") if kind else ""  # (asked_measure, the kind already known)
    measured = not measure or states_measure(measure, quoted)
    return Coverage(terms, tuple(t for t in terms if holds(text, t)), weights, numbers, kind or "", measure, measured)


def decide(units: Sequence[Unit], chosen: Sequence[Unit], cov: Coverage | None, min_coverage: float) -> Verdict:
    """no-sources → none-selected → terms-missing → no-number → no-measure → selected."""
    if not units:
        return Verdict(True, "no-sources", "nothing in the library matches the question")
    if not chosen:
        return Verdict(True, "none-selected", "the model chose none of the candidate units")
    assert cov is not None
    ids = ", ".join(str(u.id) for u in chosen)
    if cov.share < min_coverage:
        return Verdict(True, "terms-missing", f"units {ids} hold {cov.share:.2f} of the question's key terms "
                       f"(below {min_coverage:.2f}); missing: {', '.join(cov.missing)}")
    if cov.numbers == ():
        return Verdict(True, "no-number", f"the question asks for a number ({cov.asked}); units {ids} state none "
                       f"of that kind it does not (they hold {cov.share:.2f} of its key terms)")
    if not cov.measured:
        return Verdict(True, "no-measure", f"the question asks for a quantity in units of {cov.measure}; units {ids} "
                       f"state no number in such units (they hold {cov.share:.2f} of its key terms)")
    return Verdict(False, "selected", f"units {ids} selected; they hold {cov.share:.2f} of the question's key terms")
