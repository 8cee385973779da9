"""The kind of quantity asked for must be stated.

"How many GPUs were used to train Qwen-72B, and for how many days?" was answered with the GPUs of a
fine-tuning experiment, every sentence true and cited: the claim check tests support, not whether the
answer gives what was asked. A question asking a duration, a percentage, a size in bytes or a price
(``Query.asks``, ``rag.text.quantities``) is refused (rule ``kind-missing``) when the answer, its
completed blocks included and its quotes not, states no quantity of that kind, or states one that no
paragraph it cites states ("Q-LoRA 微调需要数个小时" cited to a table row of GPU memory: "数个" is no
number the claim check counts). It runs after the checks and the completion, before the quotes.
"""

from __future__ import annotations

from typing import ClassVar, Iterator

from rag.answer.state import AnswerState, Event, Tools
from rag.answer.verdict import decide


class AskedStage:
    name: ClassVar[str] = "asked"
    setting: ClassVar[str | None] = "asked_kinds"  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.tools = tools

    def run(self, state: AnswerState) -> Iterator[Event]:
        if state.q.asks and state.text.strip():
            decide(state, self.tools, "stated")
        return iter(())
