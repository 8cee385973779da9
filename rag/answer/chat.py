"""The chat model as the stages call it: a whole completion, or a stream of tokens (LangChain runnables)."""

from __future__ import annotations

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

    def _chain(self, max_tokens: int | None = None):
        llm = self.backend.llm
        if max_tokens is not None:
            llm = llm.bind(max_tokens=max_tokens)
        return RunnableLambda(lambda x: _to_messages(x["system"], x["user"])) | llm | StrOutputParser()

    def complete(self, system: str, user: str, max_tokens: int | None = None) -> str:
        return self._chain(max_tokens).invoke({"system": system, "user": user}).strip()

    def stream(self, system: str, user: str) -> Iterator[str]:
        return self._chain().stream({"system": system, "user": user})
