"""What the API's routes share: error status codes, server-sent events, the documents a request names."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from fastapi import Request

from rag.errors import (
    IndexBusyError, IndexMissingError, InputError, LLMError, NotFoundError, RagError, TooLargeError,
)

if TYPE_CHECKING:
    from rag.compose import App

STATUS = ((NotFoundError, 404), (TooLargeError, 413), (InputError, 400), (IndexBusyError, 409),
          (IndexMissingError, 409), (LLMError, 502), (RagError, 500))


def status_of(err: RagError) -> int:
    return next(code for kind, code in STATUS if isinstance(err, kind))


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
