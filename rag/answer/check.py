"""The model's YES/NO check: do the sources answer the question? The rules of ``rag.answer.verdict``
then decide.

The check reads the probability of YES against NO in the model's first reply token (log-probabilities
of an OpenAI-compatible server) and says yes from ``check_yes_above``, a threshold calibrated on the
real-document sets (docs/eval.md); a server without log-probabilities is read by its reply word."""

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
        out, p_yes = self.tools.chat.yes_no(state.system, prompts.load(q.prompt_lang)["check"].format(question=state.prompt_question))
        state.check_yes = p_yes
        if p_yes is not None:
            state.model_says_yes = p_yes >= self.tools.settings.check_yes_above
        else:  # no log-probabilities: the reply's word decides, and an unclear reply lets the answer through
            up = out.upper()
            state.model_says_yes = not (up.startswith("NO") or up.startswith("否"))
        if not state.model_says_yes:
            log.info("the check call said NO")
        state.timer.mark("check")
        decide(state, self.tools, "checked")
