"""An OpenAI-compatible face of the API (`POST /v1/chat/completions`, `GET /v1/models`), so existing
chat clients can ask the documents. The last user message is the question, earlier user/assistant
pairs are the history. The reply's content is the answer (the selected source units, quoted and
cited) followed by its sources; the answer object (citations, evidence, the deciding rule) rides along
as `rag`.

With `"stream": true` the answer is sent as one delta once it is ready: it is answered before the stream
starts, so an error is still a plain 4xx/5xx and a refusal is never preceded by quoted text."""

from __future__ import annotations

import json
import time
import uuid
from typing import TYPE_CHECKING, Iterator

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse

from rag.errors import InputError
from ui.server.common import fit_history, known_docs
from ui.server.schemas import ChatCompletionRequest

if TYPE_CHECKING:
    from rag.compose import App
    from rag.types import Answer

MODEL_ID = "bilingual-rag"


def question_and_history(body: ChatCompletionRequest) -> tuple[str, list[tuple[str, str]]]:
    talk = [(m.role, m.text()) for m in body.messages if m.role in ("user", "assistant")]
    if not talk or talk[-1][0] != "user":
        raise InputError("the last message must be the user's question")
    history, pending = [], None
    for role, text in talk[:-1]:
        if role == "user":
            pending = text
        elif pending is not None:
            history.append((pending, text))
            pending = None
    return talk[-1][1], history


def content_with_sources(ans: Answer) -> str:
    """The answer, then one line per cited paragraph, so a plain chat client shows where it comes from."""
    if not ans.citations:
        return ans.text
    lines = [f"[{c.lang.upper()} ¶{c.paragraph}] {c.doc}: {' '.join(c.text.split())[:300]}" for c in ans.citations]
    return ans.text + "\n\nSources:\n" + "\n".join(lines)


def completion(ans: Answer, cid: str, created: int) -> dict:
    return {
        "id": cid, "object": "chat.completion", "created": created, "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content_with_sources(ans)},
                     "finish_reason": "stop"}],
        "citations": [f"{c.doc} {c.lang.upper()} ¶{c.paragraph}" for c in ans.citations],
        "rag": ans.to_json(),
    }


def _chunks(ans: Answer, cid: str, created: int) -> Iterator[str]:
    base = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID}
    deltas = [({"role": "assistant", "content": content_with_sources(ans)}, None), ({}, "stop")]
    for delta, finish in deltas:
        chunk = base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        if finish:
            chunk["rag"] = ans.to_json()
        yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"


def openai_routes(app: App) -> APIRouter:
    r = APIRouter(tags=["openai-compatible"])

    @r.get("/models")
    def models() -> dict:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "bilingual-rag"}]}

    @r.post("/chat/completions")
    def chat_completions(body: ChatCompletionRequest, request: Request):
        """OpenAI's chat completions over the documents: the content carries the answer and its sources."""
        from rag.answer.query import validate_question
        question, history = question_and_history(body)
        validate_question(question)
        history = fit_history(history, question, app.settings.llm_ctx)
        known_docs(app, None)
        created, cid = int(time.time()), f"chatcmpl-{uuid.uuid4().hex[:24]}"
        if body.stream:  # answered before the stream starts, so an error is still a plain 4xx/5xx
            ans = app.pipeline.answer(question, history=history)
            return StreamingResponse(_chunks(ans, cid, created), media_type="text/event-stream")
        return completion(app.pipeline.answer(question, history=history), cid, created)

    return r
