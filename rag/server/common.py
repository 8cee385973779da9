"""What the API's routes share: error status codes and details in HTTP's terms, server-sent events,
the documents a request names, what a client may see of a document's source, and the history that
fits the model's context."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from fastapi import Request

from rag.errors import (
    DocumentExistsError, IndexBusyError, IndexCorruptError, IndexMissingError, InputError, LLMError, NotFoundError,
    RagError, TooLargeError,
)

if TYPE_CHECKING:
    from rag.compose import App

STATUS = ((NotFoundError, 404), (TooLargeError, 413), (DocumentExistsError, 409), (InputError, 400),
          (IndexBusyError, 409), (IndexMissingError, 409), (LLMError, 502), (RagError, 500))
# a hint written for the command line is replaced by one in HTTP's terms
CLI_WORDS = re.compile(r"`rag\b|(?<![\w-])--[a-z]")
HTTP_HINTS = ((IndexMissingError, "upload a document: POST /v1/documents"),
              (NotFoundError, "nothing was changed; see GET /v1/documents or GET /v1/conversations"),
              (DocumentExistsError, "send replace=true to replace it, or doc=<another id>"),
              (InputError, "nothing was stored; fix the request and try again"),
              (IndexCorruptError, "the server's index needs repair: tell its operator"),
              (LLMError, "the server's model is not available: tell its operator"),
              (RagError, "tell the server's operator"))
HISTORY_ANSWER_CHARS = 400  # what the follow-up rewrite reads of each earlier answer (rag.answer.query)
REWRITE_RESERVE_TOKENS = 600  # the rewrite prompt's own words and its reply


def status_of(err: RagError) -> int:
    return next(code for kind, code in STATUS if isinstance(err, kind))


def redact(text: str, app: App) -> str:
    """``text`` without the server's own paths (the data directory, the program's folder, the home)."""
    from rag.settings import REPO_ROOT

    roots = {str(p) for root in (app.settings.home, REPO_ROOT, Path.home()) for p in (root, root.resolve())}
    for root in sorted(roots, key=len, reverse=True):
        if len(root) > 1:
            text = text.replace(root + "/", "").replace(root, "…")
    return text


def http_detail(err: RagError, app: App) -> str:
    """The error's message and next step for an HTTP client: no command-line advice, no server paths."""
    hint = err.hint
    if CLI_WORDS.search(hint) or isinstance(err, DocumentExistsError):
        hint = next(h for kind, h in HTTP_HINTS if isinstance(err, kind))
    msg = str(err)
    return redact(f"{msg} ({hint})" if hint else msg, app)


def sse(event: str, data: dict) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def wants_stream(request: Request) -> bool:
    return "text/event-stream" in request.headers.get("accept", "")


def known_docs(app: App, docs: list[str] | None) -> list[str] | None:
    """The documents a request names, all known (None: every document); the index is not empty."""
    versions = app.store.versions()
    if not versions:
        raise IndexMissingError("the index is empty", hint="upload a document: POST /v1/documents")
    missing = [d for d in docs or () if d not in versions]
    if missing:
        raise NotFoundError(f"no document {', '.join(map(repr, missing))}", hint="see GET /v1/documents")
    return docs or None


def estimate_tokens(text: str) -> int:
    """A generous count of a model's tokens: one per non-ASCII character (a Han character is one or
    less), one per three ASCII characters (English averages four)."""
    ascii_chars = sum(1 for ch in text if ch < "\x80")
    return len(text) - ascii_chars + ascii_chars // 3 + 1


def fit_history(history: Sequence[tuple[str, str]], question: str, ctx_tokens: int) -> list[tuple[str, str]]:
    """The latest turns whose words, with the question, fit the model's context when a follow-up is
    rewritten; older turns (and a turn too long to fit at all) are dropped."""
    budget = ctx_tokens - REWRITE_RESERVE_TOKENS - estimate_tokens(question)
    kept: list[tuple[str, str]] = []
    for q, a in reversed(history):
        budget -= estimate_tokens(q) + estimate_tokens(a[:HISTORY_ANSWER_CHARS])
        if budget < 0:
            break
        kept.append((q, a))
    return kept[::-1]
