"""Record and replay the chat model's replies, keyed by the exact messages and call options.

Every ``rag eval run`` records the reply to each call it made into its run folder (``replies.jsonl``,
one ``{"key", "reply"}`` line per distinct call, replayed or not), so the run can be
answered again from that file alone. ``--replay SRC`` (a run folder, or a replies file, gzipped or
not) gives a call recorded in SRC the recorded reply; any other call goes to the model (counted as a
miss). A rerun of changed code replays every prompt that did not change and asks the model only for
those that did; with a deterministic model (temperature 0) a replayed reply is the reply the model
would give, so checking a refactor for changed answers costs retrieval time, not generation. The model
is loaded at the first miss only: a run replayed in full needs no chat model.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from pathlib import Path
from typing import Any, Iterable, Iterator

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from rag.errors import InputError
from rag.llm import ChatBackend

REPLIES = "replies.jsonl"


def read_lines(path: Path) -> list[str]:
    """A JSONL file's lines, gunzipped when it ends in .gz."""
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return f.read().splitlines()
    return path.read_text(encoding="utf-8").splitlines()


def reply_files(src: Path) -> list[Path]:
    """The replies a run folder holds (every ``replies.jsonl[.gz]`` under it), or the file ``src``."""
    if src.is_dir():
        found = sorted([*src.rglob(REPLIES), *src.rglob(REPLIES + ".gz")])
        if not found:
            raise InputError(f"{src} holds no {REPLIES}", hint="give a run folder of `rag eval run` or a replies file")
        return found
    if not src.exists():
        raise InputError(f"{src}: no such run folder or replies file")
    return [src]


class ReplayFile:
    """Replies by key, read from ``sources`` and from ``path`` itself; each key used is recorded in
    ``path`` once (a replayed one too, so ``path`` alone answers the run again)."""

    def __init__(self, path: Path, sources: Iterable[Path] = ()) -> None:
        self.path = path
        self.replies: dict[str, str] = {}
        self.recorded: set[str] = set()
        self.hits = self.misses = 0
        self._lock = threading.Lock()
        for src in [*sources, path]:
            if src.exists():
                self._read(src)
        if path.exists():
            self.recorded = {json.loads(line)["key"] for line in read_lines(path) if line.strip()}

    def _read(self, src: Path) -> None:
        for line in read_lines(src):
            if line.strip():
                row = json.loads(line)
                self.replies[row["key"]] = row["reply"]

    @staticmethod
    def key(messages: list[BaseMessage], options: dict) -> str:
        shown = [[m.type, m.content] for m in messages] + [sorted((k, str(v)) for k, v in options.items())]
        return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()

    def get(self, key: str) -> str | None:
        with self._lock:
            reply = self.replies.get(key)
            if reply is None:
                self.misses += 1
                return None
            self.hits += 1
        self._record(key, reply)
        return reply

    def put(self, key: str, reply: str) -> None:
        with self._lock:
            self.replies[key] = reply
        self._record(key, reply)

    def _record(self, key: str, reply: str) -> None:
        row = {"key": key, "reply": reply}
        with self._lock:
            if key in self.recorded:
                return
            self.recorded.add(key)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")


class ReplayChatModel(BaseChatModel):
    backend: Any  # the ChatBackend whose model is asked on a miss (loaded then)
    replies: Any  # ReplayFile

    @property
    def _llm_type(self) -> str:
        return "replay"

    def _generate(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any) -> ChatResult:
        key = ReplayFile.key(messages, kw)
        reply = self.replies.get(key)
        if reply is None:
            reply = str(self.backend.llm.invoke(messages, **kw).content)
            self.replies.put(key, reply)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])

    def _stream(self, messages: list[BaseMessage], stop=None, run_manager=None, **kw: Any) -> Iterator[ChatGenerationChunk]:
        key = ReplayFile.key(messages, kw)
        reply = self.replies.get(key)
        if reply is not None:
            for piece in re.findall(r"\S+\s*|\s+", reply):
                yield ChatGenerationChunk(message=AIMessageChunk(content=piece))
            return
        parts = []
        for chunk in self.backend.llm.stream(messages, **kw):
            parts.append(str(chunk.content))
            yield ChatGenerationChunk(message=AIMessageChunk(content=str(chunk.content)))
        self.replies.put(key, "".join(parts))


class ReplayBackend:
    """A ChatBackend that replays the replies recorded in ``sources`` and ``path``, asks ``backend`` for
    the rest, and records every reply it gives in ``path``."""

    def __init__(self, backend: ChatBackend, path: Path, sources: Iterable[Path] = ()) -> None:
        self.backend = backend
        self.file = ReplayFile(path, sources)
        self.name = f"replay({getattr(backend, 'name', 'model')})"
        self._llm = ReplayChatModel(backend=backend, replies=self.file)

    @property
    def llm(self) -> ReplayChatModel:
        return self._llm

    def warm_up(self) -> None:
        """Nothing: the model is loaded at the first call that was not recorded."""

    def close(self) -> None:
        self.backend.close()
