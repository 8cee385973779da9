"""The answer path: analyze → retrieve → units → select → compose → verdict.

Each step is a function or a small class with typed, frozen hand-offs; no state object is shared. The
model chooses (one constrained call; a follow-up adds one rewrite call), code quotes: nothing reaches
the user that the cited units do not state. ``AnswerPipeline`` has the interface every consumer uses
(the CLI, the UI, the HTTP API, the OpenAI endpoint, the eval runner): ``stream`` yields ``Event``s
(status, evidence, token, answer), ``answer`` returns the final ``Answer``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Iterable, Iterator, Mapping, Sequence

from rag.answer import prompts
from rag.answer.chat import Chat
from rag.answer.compose import Draft, cite, compose
from rag.answer.differs import Differences, Note, twin_says, with_note
from rag.answer.render import Renderer
from rag.answer.query import is_follow_up, question_language, rewrite, search_forms, validate_question
from rag.answer.select import Selection, Selector
from rag.answer.units import Unit, build_units
from rag.answer.verdict import coverage, decide, holds, key_terms, said
from rag.index.retrieve import Naming, PairHit, Retriever
from rag.llm import ChatBackend
from rag.settings import Settings
from rag.text.chinese import in_script
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


def _pieces(text: str) -> Iterator[Event]:
    """Answer text as token events, a line at a time."""
    for piece in text.splitlines(keepends=True):
        yield Event("token", piece)


def last_answer(events: Iterable[Event]) -> Answer:
    """The answer a stream of events ends with."""
    final = None
    for ev in events:
        if ev.kind == "answer":
            final = ev.answer
    assert final is not None, "every stream ends with its answer"
    return final


@dataclass(frozen=True)
class Asked:
    """The question, analyzed once."""

    text: str  # as typed, validated
    lang: str  # the answer's language: en | zh | zh-Hant
    standalone: str  # a follow-up rewritten to stand alone, else the question
    forms: tuple[str, ...]  # the standalone question in simplified script, then (if other) in mainland words
    terms: tuple[tuple[str, ...], ...] = ()  # each form's key terms (``verdict.key_terms``), computed once

    @property
    def search(self) -> str:
        """The standalone question in simplified script: what retrieval reads."""
        return self.forms[0]

    @property
    def prompt_lang(self) -> str:
        return doc_lang(self.lang)


@dataclass(frozen=True)
class Retrieved:
    pairs: tuple[PairHit, ...]
    hits: tuple[Hit, ...]
    units: tuple[Unit, ...]
    idf: Mapping[str, float]  # the question's key terms' weights over the library
    versions: Mapping[str, str]  # the index snapshot the answer reads (documents for the note too)
    naming: Naming | None = None  # the document the question names, read instead of retrieval's first


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


class TopAndChosen:
    """The best-retrieved unit, then the units the model chooses (``RAG_SELECT_CHOOSER=top+model``, the
    default; the model's "none" still refuses). The model names one unit in 97% of dev questions, and
    in 37 of the 46 failures where the gold unit was offered it was the first and the model chose
    another: the first unit and the model's choice together pass 0.59 of the dev split, the model's
    choice alone 0.47, the first unit alone 0.49."""

    def __init__(self, selector: Selector | None, max_ids: int) -> None:
        self.selector = selector
        self.max_ids = max_ids

    def select(self, question: str, units: Sequence[Unit], prompt_lang: str) -> Selection:
        if not units:
            return Selection(())
        top = best_sentence(question, units)
        if self.selector is None:  # RAG_SELECT_CHOOSER=top: no model call
            return Selection((top,))
        chosen = self.selector.select(question, units, prompt_lang)
        if not chosen.ids:  # the model's "none" still refuses (none-selected)
            return chosen
        return Selection(tuple(dict.fromkeys((top, *chosen.ids)))[: self.max_ids + 1], chosen.raw)


def best_sentence(question: str, units: Sequence[Unit]) -> int:
    """The best-retrieved unit: the first, or, when the best-retrieved paragraph is offered sentence by
    sentence, its sentence that writes the most of the question's key terms (the earliest of equals)."""
    first = [u for u in units if u.paragraphs == units[0].paragraphs]
    if len(first) == 1:
        return units[0].id
    terms = key_terms(question)
    return max(first, key=lambda u: (sum(holds(said(u.shown), t) for t in terms), -u.id)).id


def chooser(chat: Chat, settings: Settings):
    """What picks the units the answer quotes: the model (``model``), the first unit (``top``) or both."""
    selector = Selector(chat, settings.select_max_units)
    if settings.select_chooser == "model":
        return selector
    return TopAndChosen(selector if settings.select_chooser == "top+model" else None, settings.select_max_units)


class AnswerPipeline:
    def __init__(self, retriever: Retriever, chat_backend: ChatBackend, settings: Settings) -> None:
        self.retriever = retriever
        self.settings = settings
        self.chat = Chat(chat_backend)
        self.selector = chooser(self.chat, settings)
        self.differences = Differences()
        self.renderer = Renderer(self.chat, retriever.embedder) if settings.render_other_version else None

    def analyze(self, question: str, history: Sequence[Turn], lang: str | None) -> Asked:
        text = validate_question(question)
        _, answer_lang = question_language(text, lang)
        standalone = text
        if history and is_follow_up(text):
            standalone = rewrite(self.chat, text, history, doc_lang(answer_lang))
        forms = search_forms(standalone)
        return Asked(text, answer_lang, standalone, forms, tuple(key_terms(f) for f in forms))

    def retrieve(self, asked: Asked, k: int | None, docs: list[str] | None) -> Retrieved:
        """Aligned pairs from one snapshot of the index, all of the best pair's document (or of the
        document the question names, ``Retriever.named``), and their units."""
        s = self.settings
        versions = self.retriever.store.versions()

        def lookup(doc_id: str) -> Document | None:  # the retriever keeps one document per version
            return self.retriever.document(doc_id, versions)

        k = k or s.select_pairs
        pairs, hits = self.retriever.pairs(asked.search, k=k, docs=docs, versions=versions)
        naming = self.retriever.named(asked.standalone, pairs[0].doc, versions, docs) if pairs else None
        if naming:
            pairs, hits = self.retriever.pairs(asked.search, k=k, docs=list(naming.docs), versions=versions)
        if pairs and len({p.doc for p in pairs}) > 1:
            pairs, hits = self.retriever.pairs(asked.search, k=k, docs=[pairs[0].doc], versions=versions)
        units = build_units(pairs, lookup, doc_lang(asked.lang), s.select_budget_tokens, s.select_block_items,
                            s.select_sentence_chars)
        terms = dict.fromkeys(t for form_terms in asked.terms for t in form_terms)
        idf = self.retriever.lexical.idf(list(terms), versions)
        return Retrieved(tuple(pairs), tuple(hits[:10]), units, MappingProxyType(idf), versions, naming)

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
        cov = max((coverage(f, chosen, got.idf, ts) for f, ts in zip(asked.forms, asked.terms)),
                  key=lambda c: c.share) if chosen else None
        verdict = decide(got.units, chosen, cov, self.settings.select_min_coverage)
        draft = compose(chosen, asked.lang) if not verdict.refused else Draft("", (), ())
        text = draft.text or in_script(prompts.load(asked.prompt_lang)["refusal"], asked.lang)
        clock.mark("first_token")
        yield from _pieces(text)
        added = [*self.renderings(draft, asked.lang, got.versions), *self.lines(draft, asked, got.versions)]
        for note in (n for n in added if n.check.outcome != "dropped"):
            yield from _pieces(f"\n\n{note.line}")
            text, citations = with_note(draft.text, draft.citations, note)
            draft = replace(draft, text=text, citations=citations)
        clock.mark("total")
        named = (SentenceCheck(", ".join(got.naming.docs), "named", got.naming.reason()),) if got.naming else ()
        checks = named + unit_checks(got.units, chosen) + tuple(n.check for n in added)
        yield Event("answer", answer=self._answer(asked, got, draft, text, verdict, evidence, checks, clock))

    def renderings(self, draft: Draft, lang: str, versions: Mapping[str, str]) -> list[Note]:
        """The shown units only the other version has, written in the asker's language and checked
        (``render.py``); none when ``RAG_RENDER_OTHER_VERSION`` is off."""
        if self.renderer is None:
            return []
        return [self.renderer.render(u, lang, self.retriever.document(u.doc, versions))
                for u in self.renderer.wanted(draft.units, lang)]

    def lines(self, draft: Draft, asked: Asked, versions: Mapping[str, str]) -> list[Note]:
        """The lines under the answer: the other version's wording of the first quoted unit, then the line
        on a discrepancy of the quoted paragraphs."""
        embedder = self.retriever.embedder
        says = twin_says(draft.units, embedder.embed_query(asked.search), embedder.embed_documents, asked.lang) if draft.units else None
        note = self.note(draft, asked.lang, versions)
        return [n for n in (says, note) if n is not None]

    def note(self, draft: Draft, lang: str, versions: Mapping[str, str]) -> Note | None:
        """The line on a discrepancy of the paragraphs quoted from the asker's version or of their twins (a
        unit only the other version has is already quoted under a line saying so), from the documents of
        the answer's snapshot ``versions``."""
        own = doc_lang(lang)
        cited = [cite(p) for u in draft.units if u.lang == own for p in (*u.paragraphs, *u.twins)]
        if not cited:
            return None
        return self.differences.note(cited, lambda doc_id: self.retriever.document(doc_id, versions), lang)

    def _answer(self, asked: Asked, got: Retrieved, draft: Draft, text: str, verdict: Verdict, evidence, checks,
                clock) -> Answer:
        return Answer(asked.text, text, asked.lang, verdict.refused, draft.citations, got.hits,  # type: ignore[arg-type]
                      dict(clock.marks), asked.standalone, verdict, checks, evidence)

    def answer(
        self, question: str, history: Sequence[Turn] = (), lang: str | None = None, k: int | None = None,
        docs: list[str] | None = None,
    ) -> Answer:
        return last_answer(self.stream(question, history, lang, k, docs))
