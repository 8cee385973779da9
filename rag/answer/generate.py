"""Generation: the answer streamed token by token from the context.

With ``fold_check`` the same call also judges answerability: the model replies NOT IN DOCUMENT (or
answers), and the first tokens decide. Tokens are held back only while they could still be that
marker, so an answer streams from its first word. A marker is confirmed by the YES/NO check
(``rag.answer.check``: the answer call alone refused answerable questions the check lets through),
and the ``checked`` rules of ``rag.answer.verdict`` settle it: a NO stands unless evidence overrules
it; a YES or an overruled NO asks the model once more, to answer. A draft that is itself a refusal
is settled by the ``drafted`` rules."""

from __future__ import annotations

import re
import time
from typing import ClassVar, Iterator

from rag.answer import prompts
from rag.answer.check import model_says_yes
from rag.answer.context import system_text
from rag.answer.state import AnswerState, Event, Tools
from rag.answer.verdict import decide

_LOOSE = re.compile(r"[\W_]+")


def _squash(text: str) -> str:
    return _LOOSE.sub("", text).upper()


def says_not_found(text: str, marker: str) -> bool:
    """The draft is the model's NO: it opens with the marker (any case, spacing or punctuation)."""
    return _squash(text).startswith(_squash(marker))


def could_be_marker(text: str, marker: str) -> bool:
    """What streamed so far may still become the marker: hold it back."""
    squashed = _squash(text)
    return _squash(marker).startswith(squashed)


class GenerateStage:
    name: ClassVar[str] = "generate"
    setting: ClassVar[str | None] = None  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.tools = tools

    def run(self, state: AnswerState) -> Iterator[Event]:
        p = prompts.load(state.q.prompt_lang)
        folded = self.tools.settings.fold_check and state.model_says_yes is None
        reminder = p["reminder_folded"] if folded else p["reminder"]
        state.user = p["answer"].format(question=state.prompt_question, reminder=reminder)
        yield Event("status", "generating")
        t_gen = time.perf_counter()
        yield from self.draft(state, p["not_found"] if folded else None)
        if folded and says_not_found(state.text, p["not_found"]):
            yield Event("status", "checking")
            state.model_says_yes = model_says_yes(state, self.tools)  # the YES/NO check confirms it, or not
            state.timer.mark("check")
            decide(state, self.tools, "checked")
            if state.answer is not None:  # refused
                state.timer.marks["generate"] = state.timer.since(t_gen)
                return
            # the instructions without the NOT IN DOCUMENT reply (the model kept to it otherwise): this
            # rare second draft reads the whole prompt again
            state.system = system_text(state, folded=False)
            state.user = p["answer"].format(question=state.prompt_question, reminder=p["overruled"])
            yield from self.draft(state, None)
        elif folded:
            state.model_says_yes = True
            decide(state, self.tools, "checked")
        state.timer.marks["generate"] = state.timer.since(t_gen)
        decide(state, self.tools, "drafted")

    def draft(self, state: AnswerState, marker: str | None) -> Iterator[Event]:
        """Stream one draft into ``state.text``; with a ``marker``, hold tokens back while they may be it.
        ``first_token`` is when the first token is shown."""
        parts: list[str] = []
        held = marker is not None
        for tok in self.tools.chat.stream(state.system, state.user):
            parts.append(tok)
            if held:
                text = "".join(parts)
                if could_be_marker(text, marker):  # type: ignore[arg-type]
                    continue
                held = False
                if says_not_found(text, marker):  # type: ignore[arg-type]
                    break  # the marker, then more: no answer follows it
                tok = text
            if "first_token" not in state.timer.marks:
                state.timer.mark("first_token")
            yield Event("token", tok)
        text = "".join(parts)
        if held and text.strip() and not says_not_found(text, marker):  # type: ignore[arg-type]
            state.timer.mark("first_token")
            yield Event("token", text)  # a short reply ("No") that could have been the marker
        state.text = text.strip()
