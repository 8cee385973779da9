"""The model's YES/NO check: do the sources answer the question? The rules of ``rag.answer.verdict``
then decide."""

from __future__ import annotations

import logging
from typing import ClassVar, Iterator

from rag.answer import prompts
from rag.answer.state import AnswerState, Event, Tools
from rag.answer.verdict import decide

log = logging.getLogger(__name__)


class CheckStage:
    name: ClassVar[str] = "check"
    setting: ClassVar[str | None] = "check_answerable"  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.tools = tools

    def run(self, state: AnswerState) -> Iterator[Event]:
        yield Event("status", "checking")
        q = state.q
        out = self.tools.chat.complete(state.system, prompts.load(q.prompt_lang)["check"].format(question=state.prompt_question), max_tokens=3)
        up = out.strip().upper()
        state.model_says_yes = not (up.startswith("NO") or up.startswith("否"))  # unclear: let it through
        if not state.model_says_yes:
            log.info("the check call said NO")
        state.timer.mark("check")
        decide(state, self.tools, "checked")
