"""The chat model as the answer path calls it: one whole completion (the select call, a follow-up's
rewrite), as a LangChain runnable."""

from __future__ import annotations

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
