"""Conversations kept on disk: one SQLite file under ``RAG_HOME``, one row per turn holding the full
``Answer`` JSON, so a conversation can be reopened after a restart, continued, exported or deleted."""

from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from rag.errors import NotFoundError
from rag.types import Answer

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    conversation TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    PRIMARY KEY (conversation, n)
);
"""
TITLE_CHARS = 60


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def title_of(question: str) -> str:
    """A conversation's title: its first question on one line, cut at ``TITLE_CHARS``."""
    one = " ".join(question.split())
    return one if len(one) <= TITLE_CHARS else one[: TITLE_CHARS - 1] + "…"


@dataclass(frozen=True)
class Turn:
    n: int  # 1-based
    question: str
    answer: Answer
    asked_at: str


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    title: str
    created_at: str
    updated_at: str
    turns: int

    def to_json(self) -> dict:
        return {"id": self.id, "title": self.title, "created_at": self.created_at, "updated_at": self.updated_at,
                "turns": self.turns}


@dataclass(frozen=True)
class Conversation:
    info: ConversationInfo
    turns: tuple[Turn, ...]

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def history(self) -> list[tuple[str, str]]:
        """(question, answer text) per turn: what a follow-up question is read against."""
        return [(t.question, t.answer.text) for t in self.turns]

    def turn(self, n: int) -> Turn:
        for t in self.turns:
            if t.n == n:
                return t
        raise NotFoundError(f"conversation {self.id} has no turn {n}", hint=f"turns are 1 to {len(self.turns)}")

    def to_json(self) -> dict:
        return self.info.to_json() | {"messages": [
            {"n": t.n, "question": t.question, "asked_at": t.asked_at, "answer": t.answer.to_json()} for t in self.turns
        ]}


class ConversationStore:
    """Conversations in ``path`` (created on first use). Every write is one transaction."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=10)
        try:
            con.execute("PRAGMA foreign_keys = ON")
            con.executescript(SCHEMA)
            with con:  # commit, or roll back on error
                yield con
        finally:
            con.close()

    def start(self, title: str) -> str:
        """A new, empty conversation; returns its id."""
        cid = uuid.uuid4().hex[:12]
        now = _now()
        with self._db() as con:
            con.execute("INSERT INTO conversations VALUES (?, ?, ?, ?)", (cid, title_of(title) or "(untitled)", now, now))
        return cid

    def add(self, conversation: str | None, answer: Answer) -> str:
        """Keep one answered turn; a new conversation (titled by the question) when ``conversation`` is
        None. Returns the conversation's id."""
        cid = conversation or self.start(answer.question)
        now = _now()
        with self._db() as con:
            if con.execute("SELECT 1 FROM conversations WHERE id = ?", (cid,)).fetchone() is None:
                raise NotFoundError(f"no conversation {cid!r}", hint="see `rag conversations list`")
            n = con.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM turns WHERE conversation = ?", (cid,)).fetchone()[0]
            con.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?)",
                        (cid, n, answer.question, json.dumps(answer.to_json(), ensure_ascii=False), now))
            con.execute("UPDATE conversations SET updated_at = ? WHERE id = ?", (now, cid))
        return cid

    def list(self) -> list[ConversationInfo]:
        """Every conversation, the most recently used first."""
        with self._db() as con:
            rows = con.execute(
                "SELECT c.id, c.title, c.created_at, c.updated_at, COUNT(t.n) FROM conversations c "
                "LEFT JOIN turns t ON t.conversation = c.id GROUP BY c.id ORDER BY c.updated_at DESC, c.rowid DESC"
            ).fetchall()
        return [ConversationInfo(*r) for r in rows]

    def get(self, cid: str) -> Conversation | None:
        with self._db() as con:
            row = con.execute(
                "SELECT id, title, created_at, updated_at FROM conversations WHERE id = ?", (cid,)
            ).fetchone()
            if row is None:
                return None
            turns = con.execute(
                "SELECT n, question, answer, asked_at FROM turns WHERE conversation = ? ORDER BY n", (cid,)
            ).fetchall()
        kept = tuple(Turn(n, q, Answer.from_json(json.loads(a)), at) for n, q, a, at in turns)
        return Conversation(ConversationInfo(*row, len(kept)), kept)

    def require(self, cid: str) -> Conversation:
        conv = self.get(cid)
        if conv is None:
            raise NotFoundError(f"no conversation {cid!r}", hint="see `rag conversations list`")
        return conv

    def delete(self, cid: str) -> bool:
        """Delete a conversation and its turns (one transaction); False when there is none."""
        with self._db() as con:
            return con.execute("DELETE FROM conversations WHERE id = ?", (cid,)).rowcount > 0
