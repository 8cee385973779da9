"""What the stages of the answer pipeline share: the state one answer is built in, the events it
streams, and the Stage protocol."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, ClassVar, Iterable, Iterator, Protocol, Sequence

from rag.types import Answer, Citation, Document, Evidence, Hit, Query, Quote, SentenceCheck, Verdict

if TYPE_CHECKING:
    from rag.answer.chat import Chat
    from rag.answer.glossary import Found
    from rag.answer.citations import CitationMatcher
    from rag.index.embedder import Embedder
    from rag.index.retrieve import PairHit, Retriever
    from rag.settings import Settings

Turn = tuple[str, str]  # (user question, assistant answer)


@dataclass(frozen=True)
class Event:
    kind: str  # "status" | "evidence" | "token" | "answer"
    text: str = ""
    answer: Answer | None = None
    evidence: tuple[Evidence, ...] = ()


def last_answer(events: Iterable[Event]) -> Answer:
    """The answer a stream of events ends with."""
    final = None
    for ev in events:
        if ev.kind == "answer":
            final = ev.answer
    assert final is not None, "every stream ends with its answer"
    return final


@dataclass
class Timer:
    t0: float = field(default_factory=time.perf_counter)
    marks: dict[str, float] = field(default_factory=dict)

    def mark(self, name: str) -> None:
        self.marks[name] = (time.perf_counter() - self.t0) * 1000.0

    def since(self, start: float) -> float:
        return (time.perf_counter() - start) * 1000.0


@dataclass(frozen=True)
class Tools:
    """What stages are built with (by ``rag.answer.stages.build``, from the composition root's parts)."""

    settings: Settings
    retriever: Retriever
    embedder: Embedder
    chat: Chat
    matcher: CitationMatcher


@dataclass
class AnswerState:
    """One answer in the making. Stages fill it in order; a stage that settles the answer sets ``answer``."""

    question: str  # as typed, validated
    forced_lang: str | None = None
    history: Sequence[Turn] = ()
    k: int | None = None
    docs: list[str] | None = None
    timer: Timer = field(default_factory=Timer)
    query: Query | None = None
    prompt_question: str = ""  # the standalone question as the model sees it (capitals glossed)
    variants: dict[str, str] = field(default_factory=dict)  # a name of the question → the documents' form of it
    glossed: list[tuple[str, str]] = field(default_factory=list)
    lookup: Callable[[str], Document | None] = lambda doc_id: None  # one snapshot of the index per answer
    pairs: list[PairHit] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)  # every candidate retrieved
    evidence: tuple[Evidence, ...] = ()  # the source sentences shown before any model call
    header: str = ""  # the documents' header lines of the context
    sources: str = ""  # the context's paragraph lines
    context: list[Hit] = field(default_factory=list)  # the paragraphs the model sees
    ranked: list[Hit] = field(default_factory=list)  # what the answer reports as retrieved
    paragraphs: list[str] = field(default_factory=list)  # every paragraph text of the documents retrieved from
    labels: list[str] = field(default_factory=list)  # their file names, titles and ids (a question may name them)
    fields: dict[str, Document] = field(default_factory=dict)  # header fields asked for → a document whose header has it
    header_only: bool = False  # answered from the header: no body quotes under it
    rendering: Found | None = None  # a pair of words a paragraph writes side by side that answers the question
    system: str = ""
    user: str = ""
    model_says_yes: bool | None = None  # the model's check; None when not asked
    check_yes: float | None = None  # the check's P(yes) when the server gives log-probabilities
    text: str = ""  # the answer text as the stages shape it
    citations: tuple[Citation, ...] = ()
    quotes: list[Quote] = field(default_factory=list)
    checks: list[SentenceCheck] = field(default_factory=list)  # the claim and language checks, sentence by sentence
    verdict: Verdict | None = None
    answer: Answer | None = None

    @property
    def q(self) -> Query:
        assert self.query is not None, "the query stage runs first"
        return self.query

    @property
    def scope(self) -> str | None:
        """The version answers are cited to: the one the question names ("according to the Chinese
        version") when the context holds its paragraphs, else None (any)."""
        v = self.q.version
        return v if v and any(h.lang == v for h in self.context) else None

    @property
    def citable(self) -> list[Hit]:
        """The context paragraphs an answer may cite: those of ``scope``, all of them without one."""
        scope = self.scope
        return [h for h in self.context if h.lang == scope] if scope else self.context

    @property
    def best_similarity(self) -> float:
        return max((h.dense for h in self.hits if h.dense is not None), default=0.0)


class Stage(Protocol):
    """One step of the answer. ``run`` streams status and token events and updates the state; it
    settles the answer (a refusal, a reply from the header, the finished answer) by setting
    ``state.answer``, after which no later stage runs."""

    name: ClassVar[str]
    setting: ClassVar[str | None]  # the bool setting that switches it on; None: always on

    def run(self, state: AnswerState) -> Iterator[Event]: ...
