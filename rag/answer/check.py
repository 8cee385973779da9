"""The model's YES/NO check: do the sources answer the question? The rules of ``rag.answer.verdict``
then decide.

By default (``fold_check``) the answer call judges first and this check is asked only to confirm
its NOT IN DOCUMENT (``rag.answer.generate``); ``check_answerable`` asks it before every answer
instead (the design before #18, whose prefill delayed every first token)."""

from __future__ import annotations

import logging
from typing import ClassVar, Iterator

from rag.answer import prompts
from rag.answer.state import AnswerState, Event, Tools
from rag.answer.verdict import decide

log = logging.getLogger(__name__)


def model_says_yes(state: AnswerState, tools: Tools) -> bool:
    """Ask the model whether the sources answer the question (its system text, llama.cpp's cached
    prefix, is the answer call's); an unclear reply counts as YES."""
    q = state.q
    out = tools.chat.complete(state.system, prompts.load(q.prompt_lang)["check"].format(question=state.prompt_question), max_tokens=3)
    up = out.strip().upper()
    yes = not (up.startswith("NO") or up.startswith("否"))
    if not yes:
        log.info("the check call said NO")
    return yes


class CheckStage:
    name: ClassVar[str] = "check"
    setting: ClassVar[str | None] = "check_answerable"  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.tools = tools

    def run(self, state: AnswerState) -> Iterator[Event]:
        yield Event("status", "checking")
        state.model_says_yes = model_says_yes(state, self.tools)
        state.timer.mark("check")
        decide(state, self.tools, "checked")
