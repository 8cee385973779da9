"""Request bodies of the HTTP API (pydantic: a malformed body is a 422 that names the field)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rag.answer.query import MAX_QUESTION_CHARS


class HistoryTurn(BaseModel):
    """An earlier turn. The latest turns that fit the model's context are read, older ones dropped."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=MAX_QUESTION_CHARS, description="as long as a question may be")
    answer: str


class AskRequest(BaseModel):
    """`POST /v1/ask`: the answer is the `rag ask --json` object."""

    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, description="in English or Chinese (simplified or traditional)")
    lang: Literal["en", "zh", "zh-Hant"] | None = Field(None, description="answer language (default: the question's)")
    docs: list[str] | None = Field(None, description="document ids to ask over (default: all)")
    history: list[HistoryTurn] = Field(default_factory=list, description="earlier turns, for follow-up questions "
                                       "(the latest that fit the model's context are read)")
    k: int | None = Field(None, ge=1, le=10, description="aligned pairs in the context")
    conversation: str | None = Field(
        None, description='keep the turn in this conversation ("new" starts one); its turns are the history'
    )


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[dict] | None = None

    def text(self) -> str:
        """The message's text (a list of parts: its text parts joined)."""
        if isinstance(self.content, list):
            return "".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """`POST /v1/chat/completions`, as OpenAI's; options other than `stream` are accepted and ignored
    (the model and its sampling are the server's settings)."""

    model_config = ConfigDict(extra="allow")
    model: str | None = None
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
