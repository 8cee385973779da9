"""The answer pipeline: an ordered list of stages (``rag.answer.stages``) run over one AnswerState.
Code, not the prompt, guarantees citations, answer language and refusals; the refuse-or-answer
rules are in ``rag.answer.verdict``."""

from __future__ import annotations

from typing import Iterator, Sequence

from rag.answer.chat import Chat
from rag.answer.citations import CitationMatcher
from rag.answer.query import validate_question
from rag.answer.stages import build
from rag.answer.state import AnswerState, Event, Stage, Tools, Turn, last_answer
from rag.index.retrieve import Retriever
from rag.llm import ChatBackend
from rag.settings import Settings
from rag.types import Answer

__all__ = ["AnswerPipeline", "Event", "Turn"]


class AnswerPipeline:
    def __init__(
        self, retriever: Retriever, chat_backend: ChatBackend, settings: Settings, stages: Sequence[Stage] | None = None
    ) -> None:
        # twins are looked up per answer (one snapshot), so the matcher gets no document lookup here
        self.tools = Tools(settings, retriever, retriever.embedder, Chat(chat_backend), CitationMatcher(retriever.embedder))
        self.stages: list[Stage] = list(stages) if stages is not None else build(self.tools)

    @property
    def stage_names(self) -> list[str]:
        return [s.name for s in self.stages]

    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        lang: str | None = None,
        k: int | None = None,
        docs: list[str] | None = None,
    ) -> Iterator[Event]:
        state = AnswerState(validate_question(question), lang, history, k, docs)
        for stage in self.stages:
            yield from stage.run(state)
            if state.answer is not None:
                break
        assert state.answer is not None, "the finish stage settles every answer"
        yield Event("answer", answer=state.answer)

    def answer(
        self, question: str, history: Sequence[Turn] = (), lang: str | None = None, k: int | None = None,
        docs: list[str] | None = None,
    ) -> Answer:
        return last_answer(self.stream(question, history, lang, k, docs))
