"""Claim check: every sentence of an answer must be supported by the paragraph it cites.

A 1.5B model writes fluent, cited inventions: "The antd bundle got 1.5 kilobytes smaller [EN ¶5]"
where ¶5 never says so, "用了10天开发 [ZH ¶1]", or a sentence that only repeats the question. Code
reads each sentence of the cited answer and keeps it only when

- every number and name it states occurs in a paragraph it cites (``rag.answer.claims``: format-,
  script- and case-insensitive); a sentence whose facts another context paragraph states is cited
  to that paragraph instead;
- its content is close to some sentence of the cited paragraph: the embedder's cosine similarity to
  its best sentence at least ``claim_min_similarity``, or most of its words in the paragraph
  (calibrated on the real-document set, ``docs/eval.md``);
- it says something the question does not (not a restatement, not "X, because X");
- it is finished (not cut off mid-sentence).

A sentence that fails is removed, and the reason recorded (``Answer.checks``, ``rag ask --json``:
``checks``). When nothing is left, an answer that failed only in form (restated, circular, cut off)
is generated once more, then given extractively (the best-matching source sentences, quoted and
cited); one that stated what its sources do not is given extractively only when a source sentence
holds most of the question's terms (``extract_min_share``), else refused (rule ``nothing-supported``).
"""

from __future__ import annotations

import logging
import re
import time
from difflib import SequenceMatcher
from dataclasses import dataclass
from typing import Callable, ClassVar, Iterable, Iterator, Sequence

from rag.answer import prompts
from rag.answer.citations import attach, exact, join_sentences, marker, parse_markers, strip_markers, twin_lookup
from rag.answer.claims import assess, claims, stated, with_own_markers
from rag.answer.factcheck import drop_false_romanisations, drop_prompt_labels, drop_unsupported_years, prompt_labels
from rag.text.negation import negated
from rag.answer.quotes import pick_quotes, render_quotes, sentences
from rag.answer.state import AnswerState, Event, Tools
from rag.answer.verdict import decide
from rag.index.embedder import Embedder, cosine_matrix
from rag.text.sentences import CLOSERS, split_sentences
from rag.text.tokens import tokenize
from rag.types import Citation, Hit, SentenceCheck

log = logging.getLogger(__name__)

FORM = ("restates", "circular", "truncated")  # reasons a second draft can fix; the others are facts

# words that say where a fact comes from, not what it is: "as stated in", "文中提到"
_META = frozenset(
    "state states stated say says said mention mentions mentioned according source sources document "
    "article text paragraph given provided shown described written answer question "
    "提到 提及 表示 指出 根据 资料 文档 文中 原文 来源 所述 说明 写 写道 问题 回答".split()
)
_POLAR_OPENER = re.compile(r"^\s*(yes|no|not|是的|不是|是|否|对|對|不|没有|沒有|有)(?![A-Za-z])", re.I)
_BECAUSE = re.compile(r"\b(?:because|since|as a result of|due to)\b|因为|因為|由于|由於", re.I)
_FINISHED = ".!?。！？…:：;；" + CLOSERS + "`*|"
_TAIL = 12  # characters: the end of a sentence that must end a line of its source to count as finished
# a repair: (cut what it finds: text → (text, items cut), the words of an item to find its sentence by,
# why it was cut, for ``checks``)
Fix = tuple[Callable[[str], tuple[str, list]], Callable[..., str], Callable[..., str]]


@dataclass(frozen=True)
class Unit:
    """One sentence of the answer: as written (markers kept), without markers, and what it cites."""

    text: str
    plain: str
    labels: tuple[tuple[str, int], ...]

    @classmethod
    def split(cls, answer: str) -> list[Unit]:
        out = []
        for s in with_own_markers(split_sentences(answer)):
            plain = strip_markers(s)
            if plain:
                out.append(cls(s.strip(), plain, tuple(parse_markers(s))))
        return out


def _stem(word: str) -> str:
    """A light English stem, enough to see "uses" and "use", "added" and "add" as one word."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.isascii() and word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_SYMBOL = re.compile(r"[~$%@#&*+=<>^|\\/]")  # an answer can be one symbol: "用 ~ 来允许 patch 版本更新"


def _sequence(text: str) -> list[str]:
    """The content words of ``text`` in order (stemmed, simplified, without words of attribution), then its symbols."""
    return [_stem(t) for t in tokenize(text) if t not in _META] + _SYMBOL.findall(text)


def _terms(text: str) -> set[str]:
    return set(_sequence(text))


def restates(plain: str, question: str, polar: bool) -> bool:
    """The sentence says nothing the question does not: every word of it, in its order, is the
    question's (a yes/no answer's "Yes"/"不" is an answer; so is the option a "which" question names,
    said after its verb: "优先使用颜色与变体" for "…会优先使用哪一个？")."""
    plain = strip_markers(plain)
    if polar and (_POLAR_OPENER.search(plain) or negated(plain) != negated(question)):
        return False
    said, asked = _sequence(plain), _sequence(question)
    matched = sum(b.size for b in SequenceMatcher(None, said, asked, autojunk=False).get_matching_blocks())
    return matched == len(said)


def circular(plain: str, question: str) -> bool:
    """"X, because X": the reason adds no word to the claim and the question."""
    plain = strip_markers(plain)
    m = _BECAUSE.search(plain)
    if not m or m.start() == 0:
        return False
    reason = _terms(plain[m.end():])
    return bool(reason) and not (reason - _terms(plain[: m.start()]) - _terms(question))


def truncated(plain: str, cited: Iterable[str] = ()) -> bool:
    """The sentence stops mid-word or mid-clause: no closing punctuation after its last word (a
    number or a date may end a line of fields: "Published on: June 22, 2026"), and its last words do
    not end a line of a paragraph it cites (a command copied whole ends as its line does: "…install
    -r requirements_web_demo.txt")."""
    s = plain.rstrip()
    if not s or s[-1] in _FINISHED or not (s[-1].isalpha() or "\u3400" <= s[-1] <= "\u9fff"):
        return False
    tail = re.sub(r"\s+", " ", s[-_TAIL:])
    return not any(re.sub(r"\s+", " ", line.rstrip()).endswith(tail) for text in cited for line in text.splitlines())


@dataclass
class Support:
    """What one answer's sentences are checked against: the context paragraphs by label, the
    question, and the embedder's similarities of each sentence to the cited paragraphs' sentences."""

    context: Sequence[Hit]
    question: str
    embedder: Embedder
    min_similarity: float
    twin_of: Callable[[str, str, int], int | None] | None = None  # (doc, lang, n) → the twin's n
    scope: str | None = None  # the version the question names: a sentence is cited to its paragraphs

    def __post_init__(self) -> None:
        self.by_label = {}
        for h in self.context:
            self.by_label.setdefault((h.lang, h.paragraph), h)

    def texts(self, labels: Sequence[tuple[str, int]]) -> dict[tuple[str, int], str]:
        found = {k: self.by_label[k].text for k in labels if k in self.by_label}
        return found or {k: h.text for k, h in self.by_label.items() if self.scope in (None, k[0])}

    def claims(self, unit: Unit, labels: Sequence[tuple[str, int]]) -> tuple[list[str], list[str]]:
        """(the numbers and names of the sentence the paragraphs ``labels`` state, those they do not)."""
        ok, missing = assess(unit.plain, self.texts(labels).values(), self.question)
        return [c.text for c in ok], [c.text for c in missing]

    def similarity(self, plain: str, labels: Sequence[tuple[str, int]]) -> float | None:
        """The cosine of the sentence to the closest sentence of the cited body paragraphs; None when
        there is nothing to compare (a header, ¶0, is a list of fields, not prose)."""
        texts = [t for (lang, n), t in self.texts(labels).items() if n > 0]
        cands = [s for t in texts for s in (sentences(t) or [t])]
        if not cands:
            return None
        return float(cosine_matrix(self.embedder.embed_documents([plain]), self.embedder.embed_documents(cands)).max())

    def with_twins(self, labels: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
        """The labels and, when in the context, the aligned twin of each in the other language."""
        out = list(labels)
        for lang, n in labels:
            h = self.by_label.get((lang, n))
            twin = self.twin_of(h.doc, lang, n) if h and self.twin_of else None
            other = ("zh" if lang == "en" else "en", twin)
            if twin is not None and other in self.by_label and other not in out:
                out.append(other)
        return out

    def lexical(self, plain: str, labels: Sequence[tuple[str, int]]) -> float:
        """The share of the sentence's words that the cited paragraphs or their twins hold."""
        words = _terms(plain)
        hay = _terms(" ".join(self.texts(self.with_twins(labels)).values()))
        return len(words & hay) / len(words) if words else 1.0

    def unsupported(self, unit: Unit, labels: Sequence[tuple[str, int]]) -> str | None:
        """Why the paragraphs ``labels`` do not support the sentence, or None when they do."""
        cited = " ".join(marker(*k) for k in labels) or "the context"
        anchored, missing = self.claims(unit, labels)
        if missing:
            return f"states {', '.join(missing)}, which {cited} does not"
        if anchored or len(re.sub(r"\W", "", unit.plain)) < 8:  # its names/numbers are there; "Yes." "否。"
            return None
        sim = self.similarity(unit.plain, labels)
        if sim is not None and sim < self.min_similarity and self.lexical(unit.plain, labels) < 0.5:
            return f"no sentence of {cited} says this (closest {sim:.2f} similar)"
        return None

    def recite(self, unit: Unit) -> tuple[str, int] | None:
        """A context paragraph that states every number and name of the sentence (not merely one in
        the other script, where a Latin name cannot be checked) when the one it cites does not."""
        found = claims(unit.plain)
        for h in self.context:
            label = (h.lang, h.paragraph)
            if self.scope not in (None, h.lang):
                continue
            if label in unit.labels or h.paragraph == 0 or not stated(found, [h.text]):
                continue
            if self.unsupported(unit, [label]) is None:
                return label
        return None

    def with_twin(self, unit: Unit) -> list[tuple[str, int]] | None:
        """The sentence's labels and their aligned twins, when together they support it and its own
        labels alone do not: the English name of a Chinese paragraph's 英文 is in its English twin. Only
        for a sentence whose names or numbers its own labels miss ("translates X as X" is not rescued)."""
        if not self.claims(unit, unit.labels)[1]:
            return None
        both = self.with_twins(unit.labels)
        if len(both) == len(unit.labels) or self.unsupported(unit, both) is not None:
            return None
        return both


@dataclass(frozen=True)
class Verdicts:
    """The sentences kept (text with markers) and the record of each sentence's check."""

    kept: list[str]
    checks: list[SentenceCheck]
    form_only: bool  # every removal was for form (restated, circular, cut off)


def check_sentences(answer: str, support: Support, polar: bool) -> Verdicts:
    units = Unit.split(answer)
    kept: list[str] = []
    checks: list[SentenceCheck] = []
    kinds: list[str] = []
    for i, u in enumerate(units):
        kind, reason = _fault(u, support, polar, last=i == len(units) - 1)
        if kind is None:
            kept.append(u.text)
            checks.append(SentenceCheck(u.text, "kept"))
            continue
        to = _rescue(u, support) if kind == "unsupported" else []
        if to:
            text = attach(u.plain, [marker(*k) for k in to])
            kept.append(text)
            cited = " ".join(marker(*k) for k in to)
            checks.append(SentenceCheck(u.text, "recited", f"{reason}; {cited} {'do' if len(to) > 1 else 'does'}", text))
            continue
        kinds.append(kind)
        checks.append(SentenceCheck(u.text, "removed", reason))
    return Verdicts(kept, checks, bool(kinds) and all(k in FORM for k in kinds))


def _rescue(u: Unit, support: Support) -> list[tuple[str, int]]:
    """Labels that support an unsupported sentence: its own with their twins, else another paragraph."""
    both = support.with_twin(u)
    if both:
        return both
    other = support.recite(u)
    return [other] if other else []


def _fault(u: Unit, support: Support, polar: bool, last: bool) -> tuple[str | None, str]:
    if last and truncated(u.plain, support.texts(u.labels).values()):
        return "truncated", "stops mid-sentence"
    reason = support.unsupported(u, u.labels)
    if reason:
        return "unsupported", reason
    if restates(u.plain, support.question, polar):
        return "restates", "repeats the question without answering it"
    if circular(u.plain, support.question):
        return "circular", "gives itself as its own reason"
    return None, ""


def extractive(state: AnswerState, min_share: float) -> str:
    """The source sentences that best answer the question, quoted and cited ("" when none holds
    ``min_share`` of the question's term weight)."""
    q = state.q
    quotes = pick_quotes(state.prompt_question, "", state.citable, q.source_lang, max_quotes=2, min_share=min_share)
    if not quotes:
        return ""
    return render_quotes(quotes, prompts.load(q.prompt_lang)["quote_intro"], prefix="")


def cited_by(text: str, citations: Sequence[Citation], context: Sequence[Hit], lookup) -> tuple[Citation, ...]:
    """The citations of the markers ``text`` carries: those already made, and the context paragraph of a
    marker the check moved a sentence to."""
    have = {(c.lang, c.paragraph): c for c in citations}
    hits = {(h.lang, h.paragraph): h for h in context}
    out: list[Citation] = []
    for label in dict.fromkeys(parse_markers(text)):
        c = have.get(label)
        if c is None and label in hits:
            h = hits[label]
            c = exact(Citation(h.doc, h.lang, h.paragraph, h.text), lookup)
        if c is not None:
            out.append(c)
    return tuple(out)


class ClaimStage:
    """Each sentence supported by what it cites, or removed (``checks``); nothing left: a second draft
    for an answer that failed in form, then the extractive answer; for one that stated what the
    sources do not, the refusal."""

    name: ClassVar[str] = "claims"
    setting: ClassVar[str | None] = "claim_check"  # the bool setting that switches it on; None: always on
    retry: ClassVar[str] = "retry_form"  # the prompt note of a second draft

    def __init__(self, tools: Tools) -> None:
        self.tools = tools

    def support(self, state: AnswerState) -> Support:
        s = self.tools.settings
        return Support(state.context, state.prompt_question, self.tools.embedder, s.claim_min_similarity,
                       twin_lookup(state.lookup), state.scope)

    def verdicts(self, state: AnswerState, text: str) -> Verdicts:
        return check_sentences(text, self.support(state), state.q.polar)

    def run(self, state: AnswerState) -> Iterator[Event]:
        if not state.text.strip():
            return
        yield Event("status", f"checking {self.name}")
        t0 = time.perf_counter()
        self.repair(state)
        v = self.verdicts(state, state.text)
        state.checks += v.checks
        if not v.kept and v.form_only:
            v = self.redraft(state, prompts.load(state.q.prompt_lang)[self.retry])
        elif not v.kept:  # the draft stated what its sources do not: the sources' own words, if they answer
            quoted = extractive(state, self.tools.settings.extract_min_share)
            v = Verdicts([quoted] if quoted else [], [], False)
        self.settle(state, v)
        state.timer.marks[self.name] = state.timer.since(t0)  # how long the check took (ms), a second draft included

    def fixes(self, state: AnswerState) -> tuple[Fix, ...]:
        """A year no source states is cut with the words that attach it ("May 13, 2019" → "May 13"), and
        a romanisation the model guessed ("勾选传导 (goukou konggong)") with its brackets, so the rest of
        its sentence is judged, not lost (the model fills in years a document leaves out, and pinyin); so is
        a phrase that attributes a fact to the prompt's parts ("from the SOURCES"), which a reader never sees."""
        support = [state.header, state.sources]
        p = prompts.load(state.q.prompt_lang)
        return (
            (lambda t: drop_unsupported_years(t, support), str, lambda y: f"the year {y}, which no source states, was cut"),
            (lambda t: drop_false_romanisations(t, support), lambda hg: hg[1],
             lambda hg: f"the romanisation ({hg[1]}), which is not the pinyin of {hg[0]} and no source writes, was cut"),
            (lambda t: drop_prompt_labels(t, prompt_labels(p["system"], p["answer"])), str,
             lambda phrase: f"“{phrase}”, the prompt's word for its sources, was cut"),
        )

    def repair(self, state: AnswerState) -> None:
        """Each of this check's ``fixes`` cuts what it finds, recorded in ``checks`` as a repair of the
        sentence it was cut from."""
        before = Unit.split(state.text)
        for fix, needle, why in self.fixes(state):
            state.text, cut = fix(state.text)
            for item in cut:
                said = next((u.text for u in before if needle(item) in u.plain), "")
                state.checks.append(SentenceCheck(said, "repaired", why(item)))

    def redraft(self, state: AnswerState, note: str) -> Verdicts:
        """One more draft, cited and checked like the first; the extractive answer when it fails too."""
        log.info("%s: nothing of the answer is left; drafting once more", self.name)
        draft = self.tools.chat.complete(state.system, state.user + "\n" + note)
        text, _ = self.tools.matcher.assign(draft, state.citable, twin_of=twin_lookup(state.lookup))
        v = self.draft_verdicts(state, text)
        state.checks += [SentenceCheck(c.sentence, c.outcome, c.reason, c.replaced_by, draft=2) for c in v.checks]
        if v.kept:
            return v
        quoted = extractive(state, 0.5)
        return Verdicts([quoted] if quoted else [], [], v.form_only)

    def draft_verdicts(self, state: AnswerState, text: str) -> Verdicts:
        """The verdicts on a second draft: this check's and every earlier one's (a later stage's draft
        is new text, which the claim check has not read)."""
        return self.verdicts(state, text)

    def settle(self, state: AnswerState, v: Verdicts) -> None:
        state.text = join_sentences(v.kept) if v.kept else ""
        state.citations = cited_by(state.text, state.citations, state.context, state.lookup)
        decide(state, self.tools, "claimed")

