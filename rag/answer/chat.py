"""The chat model as the stages call it: a whole completion, a stream of tokens (LangChain runnables),
or the probability of a YES/NO reply."""

from __future__ import annotations

import math
from typing import Iterator

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableLambda

from rag.llm import ChatBackend


def _to_messages(system: str, user: str) -> list[BaseMessage]:
    return [SystemMessage(content=system), HumanMessage(content=user)]


class Chat:
    def __init__(self, backend: ChatBackend) -> None:
        self.backend = backend

    def _chain(self, max_tokens: int | None = None, **bind):
        llm = self.backend.llm
        if max_tokens is not None:
            bind["max_tokens"] = max_tokens
        if bind:
            llm = llm.bind(**bind)
        return RunnableLambda(lambda x: _to_messages(x["system"], x["user"])) | llm | StrOutputParser()

    def complete(self, system: str, user: str, max_tokens: int | None = None, **bind) -> str:
        """The whole reply; ``bind``: more request fields (``response_format`` with a JSON schema)."""
        return self._chain(max_tokens, **bind).invoke({"system": system, "user": user}).strip()

    def stream(self, system: str, user: str) -> Iterator[str]:
        return self._chain().stream({"system": system, "user": user})

    def yes_no(self, system: str, user: str, top: int = 10) -> tuple[str, float | None]:
        """The first reply token to a YES/NO question and P(yes) = P(yes) / (P(yes) + P(no)) over the top
        candidates of that token (YES, Yes, 是 … against NO, No, 否 …). None when the server gives
        no log-probabilities (a backend without them, a fake) or neither answer is among the candidates."""
        llm = self.backend.llm.bind(max_tokens=1, logprobs=True, top_logprobs=top)
        msg = llm.invoke(_to_messages(system, user))
        content = ((msg.response_metadata or {}).get("logprobs") or {}).get("content") or []
        return str(msg.content).strip(), yes_probability(content[0].get("top_logprobs") or []) if content else None


_YES = ("YES", "Y", "是", "TRUE")
_NO = ("NO", "N", "否", "FALSE")


def yes_probability(candidates: list[dict]) -> float | None:
    """P(yes) among one token's candidates ({"token", "logprob"} as OpenAI's API gives them)."""
    yes = no = 0.0
    for c in candidates:
        word = str(c.get("token", "")).strip().upper()
        if word in _YES:
            yes += math.exp(c["logprob"])
        elif word in _NO:
            no += math.exp(c["logprob"])
    return yes / (yes + no) if yes + no > 0 else None
