"""Record and replay the chat model's replies, keyed by the exact messages and call options.

``rag eval run SET --replay FILE``: a call whose messages and options were recorded in FILE gets the
recorded reply; any other call goes to the model and is added to FILE. A first run records; a rerun
of changed code replays every prompt that did not change and asks the model only for those that did
(counted as misses). With a deterministic model (temperature 0) a replayed reply is the reply the
model would give; checking a refactor for changed answers then costs retrieval time, not generation.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path
from typing import Any, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from rag.llm import ChatBackend


class ReplayFile:
    """Replies by key, kept in memory and appended to a JSONL file as they are recorded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.replies: dict[str, str] = {}
        self.meta: dict[str, dict] = {}  # the reply's log-probabilities, where the call asked for them
        self.hits = self.misses = 0
        self._lock = threading.Lock()
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    self.replies[row["key"]] = row["reply"]
                    if row.get("meta"):
                        self.meta[row["key"]] = row["meta"]

    @staticmethod
    def key(messages: list[BaseMessage], options: dict) -> str:
        shown = [[m.type, m.content] for m in messages] + [sorted((k, str(v)) for k, v in options.items())]
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()

    def get(self, key: str) -> str | None:
        with self._lock:
            reply = self.replies.get(key)
            if reply is None:
                self.misses += 1
            else:
                self.hits += 1
            return reply

    def put(self, key: str, reply: str, meta: dict | None = None) -> None:
        row: dict[str, Any] = {"key": key, "reply": reply}
        with self._lock:
            self.replies[key] = reply
            if meta:
                self.meta[key] = row["meta"] = meta
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")


class ReplayChatModel(BaseChatModel):
    inner: Any  # the model asked on a miss
    replies: Any  # ReplayFile

    @property
    def _llm_type(self) -> str:
        return "replay"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any) -> ChatResult:
        key = ReplayFile.key(messages, kw)
        reply = self.replies.get(key)
        if reply is None:
            msg = self.inner.invoke(messages, **kw)
            reply = str(msg.content)
            logprobs = (msg.response_metadata or {}).get("logprobs")
            self.replies.put(key, reply, {"logprobs": logprobs} if logprobs else None)
        meta = self.replies.meta.get(key, {})
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply, response_metadata=meta))])

    def _stream(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any) -> Iterator[ChatGenerationChunk]:
        key = ReplayFile.key(messages, kw)
        reply = self.replies.get(key)
        if reply is not None:
            for piece in re.findall(r"\S+\s*|\s+", reply):
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
            return
        parts = []
        for chunk in self.inner.stream(messages, **kw):
            parts.append(str(chunk.content))
            yield ChatGenerationChunk(message=AIMessageChunk(content=str(chunk.content)))
        self.replies.put(key, "".join(parts))


class ReplayBackend:
    """A ChatBackend that replays recorded replies and asks ``backend`` for the rest."""

    def __init__(self, backend: ChatBackend, path: Path) -> None:
        self.backend = backend
        self.file = ReplayFile(path)
        self.name = f"replay({getattr(backend, 'name', 'model')})"
        self._llm = ReplayChatModel(inner=backend.llm, replies=self.file)

    @property
    def llm(self) -> ReplayChatModel:
        return self._llm

    def warm_up(self) -> None:
        self.backend.warm_up()

    def close(self) -> None:
        self.backend.close()
