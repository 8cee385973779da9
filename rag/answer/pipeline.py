"""The answer path: analyze → retrieve → units → select → compose → verdict.

Each step is a function or a small class with typed, frozen hand-offs; no state object is shared. The
model chooses (one constrained call; a follow-up adds one rewrite call), code quotes: nothing reaches
the user that the cited units do not state. ``AnswerPipeline`` has the interface every consumer uses
(the CLI, the UI, the HTTP API, the OpenAI endpoint, the eval runner): ``stream`` yields ``Event``s
(status, evidence, token, answer), ``answer`` returns the final ``Answer``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterator, Sequence

from rag.answer import prompts
from rag.answer.chat import Chat
from rag.answer.compose import Draft, compose
from rag.answer.query import is_follow_up, question_language, rewrite, validate_question
from rag.answer.select import Selection, Selector
from rag.answer.units import Unit, build_units
from rag.answer.verdict import coverage, decide
from rag.index.retrieve import PairHit, Retriever
from rag.llm import ChatBackend
from rag.settings import Settings
from rag.text.chinese import in_script, to_simplified
from rag.types import Answer, Document, Evidence, Hit, Quote, SentenceCheck, Verdict, doc_lang


Turn = tuple[str, str]  # (user question, assistant answer)


@dataclass(frozen=True)
class Event:
    """What ``AnswerPipeline.stream`` yields: a status line, the evidence (every candidate unit, before
    the model is asked), a piece of the answer text, or the final answer."""

    kind: str  # "status" | "evidence" | "token" | "answer"
    text: str = ""
    answer: Answer | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Asked:
    """The question, analyzed once."""

    text: str  # as typed, validated
    lang: str  # the answer's language: en | zh | zh-Hant
    standalone: str  # a follow-up rewritten to stand alone, else the question
    search: str  # the standalone question in simplified script

    @property
    def prompt_lang(self) -> str:
        return "en" if self.lang == "en" else "zh"


@dataclass(frozen=True)
class Retrieved:
    pairs: tuple[PairHit, ...]
    hits: tuple[Hit, ...]
    units: tuple[Unit, ...]


class _Clock:
    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.marks: dict[str, float] = {}

    def mark(self, name: str) -> None:
        self.marks.setdefault(name, (time.perf_counter() - self.t0) * 1000.0)


def evidence_of(units: Sequence[Unit]) -> tuple[Evidence, ...]:
    """Every candidate unit, as the evidence shown before the model is asked."""
    return tuple(Evidence(Quote(u.doc, u.lang, u.paragraphs[0].n, u.shown), u.paragraphs[0].place, u.twins)  # type: ignore[arg-type]
                 for u in units)


def unit_checks(units: Sequence[Unit], chosen: Sequence[Unit]) -> tuple[SentenceCheck, ...]:
    ids = {u.id for u in chosen}
    return tuple(SentenceCheck(f"[{u.id}] {u.shown}", "selected" if u.id in ids else "not selected",
                               f"{u.lang.upper()} ¶{u.paragraphs[0].n}") for u in units)


class AnswerPipeline:
    def __init__(self, retriever: Retriever, chat_backend: ChatBackend, settings: Settings) -> None:
        self.retriever = retriever
        self.settings = settings
        self.chat = Chat(chat_backend)
        self.selector = Selector(self.chat, settings.select_max_units)

    def analyze(self, question: str, history: Sequence[Turn], lang: str | None) -> Asked:
        text = validate_question(question)
        _, answer_lang = question_language(text, lang)
        standalone = text
        if history and is_follow_up(text):
            standalone = rewrite(self.chat, text, history, "en" if answer_lang == "en" else "zh")
        return Asked(text, answer_lang, standalone, to_simplified(standalone))

    def retrieve(self, asked: Asked, k: int | None, docs: list[str] | None) -> Retrieved:
        """Aligned pairs from one snapshot of the index, all of the best pair's document, and their units."""
        s = self.settings
        versions = self.retriever.store.versions()
        cache: dict[str, Document | None] = {}

        def lookup(doc_id: str) -> Document | None:
            if doc_id not in cache:
                cache[doc_id] = self.retriever.document(doc_id, versions)
            return cache[doc_id]

        k = k or s.select_pairs
        pairs, hits = self.retriever.pairs(asked.search, k=k, docs=docs, versions=versions)
        if pairs and len({p.doc for p in pairs}) > 1:
            pairs, hits = self.retriever.pairs(asked.search, k=k, docs=[pairs[0].doc], versions=versions)
        units = build_units(pairs, lookup, doc_lang(asked.lang), s.select_budget_tokens, s.select_block_items,
                            s.select_sentence_chars)
        return Retrieved(tuple(pairs), tuple(hits[:10]), units)

    def stream(
        self, question: str, history: Sequence[Turn] = (), lang: str | None = None, k: int | None = None,
        docs: list[str] | None = None,
    ) -> Iterator[Event]:
        clock = _Clock()
        asked = self.analyze(question, history, lang)
        yield Event("status", "retrieving")
        got = self.retrieve(asked, k, docs)
        clock.mark("retrieve")
        evidence = evidence_of(got.units)
        clock.mark("evidence")
        if evidence:
            yield Event("evidence", evidence=evidence)
        selection = self.selector.select(asked.standalone, got.units, asked.prompt_lang) if got.units else Selection(())
        clock.mark("select")
        chosen = [got.units[i - 1] for i in selection.ids]
        cov = coverage(asked.search, chosen) if chosen else None
        verdict = decide(got.units, chosen, cov, self.settings.select_min_coverage)
        draft = compose(chosen, asked.lang) if not verdict.refused else Draft("", (), ())
        text = draft.text or in_script(prompts.load(asked.prompt_lang)["refusal"], asked.lang)
        clock.mark("first_token")
        for piece in text.splitlines(keepends=True):
            yield Event("token", piece)
        clock.mark("total")
        yield Event("answer", answer=self._answer(asked, got, draft, verdict, evidence, chosen, clock))

    def _answer(self, asked: Asked, got: Retrieved, draft: Draft, verdict: Verdict, evidence, chosen, clock) -> Answer:
        text = draft.text or in_script(prompts.load(asked.prompt_lang)["refusal"], asked.lang)
        return Answer(asked.text, text, asked.lang, verdict.refused, draft.citations, got.hits,  # type: ignore[arg-type]
                      dict(clock.marks), asked.standalone, verdict, unit_checks(got.units, chosen), evidence)

    def answer(
        self, question: str, history: Sequence[Turn] = (), lang: str | None = None, k: int | None = None,
        docs: list[str] | None = None,
    ) -> Answer:
        final = None
        for ev in self.stream(question, history, lang, k, docs):
            if ev.kind == "answer":
                final = ev.answer
        assert final is not None
        return final
