"""Generation: the answer streamed token by token from the context; a draft that is itself a
refusal is settled by the ``drafted`` rules of ``rag.answer.verdict``."""

from __future__ import annotations

import time
from typing import ClassVar, Iterator

from rag.answer import prompts
from rag.answer.state import AnswerState, Event, Tools
from rag.answer.verdict import decide


class GenerateStage:
    name: ClassVar[str] = "generate"
    setting: ClassVar[str | None] = None  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.tools = tools

    def run(self, state: AnswerState) -> Iterator[Event]:
        state.user = prompts.load(state.q.prompt_lang)["answer"].format(question=state.prompt_question)
        yield Event("status", "generating")
        parts: list[str] = []
        t_gen = time.perf_counter()
        for tok in self.tools.chat.stream(state.system, state.user):
            if not parts:
                state.timer.mark("first_token")
            parts.append(tok)
            yield Event("token", tok)
        state.text = "".join(parts).strip()
        state.timer.marks["generate"] = state.timer.since(t_gen)
        decide(state, self.tools, "drafted")
