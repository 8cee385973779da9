"""The HTTP API (FastAPI): ask, documents and conversations over the same composition root the CLI
and the UI use. `rag serve` runs it with the Gradio UI mounted at /ui; OpenAPI docs are at /docs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from fastapi import APIRouter, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse

from rag.errors import InputError, NotFoundError, RagError, TooLargeError
from ui.server.common import fit_history, http_detail, known_docs, sse, status_of, wants_stream
from ui.server.discrepancies import discrepancy_routes
from ui.server.guard import UI_PATH, Gate
from ui.server.openai import openai_routes
from ui.server.schemas import AskRequest

if TYPE_CHECKING:
    from rag.compose import App

log = logging.getLogger(__name__)
UPLOAD_CHUNK = 1 << 16


def create_api(app: App) -> FastAPI:
    """The API over ``app``: every route behind the gate (token, failed logins, rate, body limits)."""
    api = FastAPI(title="Bilingual document QA", version="1", summary="Questions over English/Chinese documents, "
                  "answered with checked paragraph citations")
    _error_handlers(api, app)
    api.add_middleware(Gate, settings=app.settings, ui_app=lambda: _mounted(api, UI_PATH))
    for router in (_ask_routes(app), _document_routes(app), _paragraph_routes(app), _conversation_routes(app),
                   openai_routes(app), discrepancy_routes(app)):
        api.include_router(router, prefix="/v1")
    return api


def _mounted(api: FastAPI, path: str):
    """The app mounted at ``path`` (the Gradio UI), or None."""
    return next((r.app for r in api.routes if getattr(r, "path", None) == path and hasattr(r, "app")), None)


def _error_handlers(api: FastAPI, app: App) -> None:
    """Every error is JSON ``{"detail": …}`` in HTTP's terms, without server paths."""
    import openai

    @api.exception_handler(RagError)
    def rag_error(_request: Request, err: RagError) -> JSONResponse:
        return JSONResponse({"detail": http_detail(err, app)}, status_code=status_of(err))

    @api.exception_handler(openai.APIError)
    def model_error(_request: Request, err: openai.APIError) -> JSONResponse:
        log.warning("the model server failed: %s", err)
        if isinstance(err, openai.BadRequestError) and "context" in str(err).lower():
            return JSONResponse({"detail": "the question and its history are too long for the model's context; "
                                 "send a shorter question or fewer history turns"}, status_code=413)
        return JSONResponse({"detail": "the model server failed to answer; try again later"}, status_code=502)

    @api.exception_handler(Exception)
    def unexpected(_request: Request, err: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=err)
        return JSONResponse({"detail": "the server failed on this request (its log says why)"}, status_code=500)


def _ask_routes(app: App) -> APIRouter:
    r = APIRouter(tags=["ask"])

    @r.post("/ask", responses={200: {"content": {"text/event-stream": {}}}})
    def ask(body: AskRequest, request: Request):
        """Answer a question with checked citations: the `rag ask --json` object, or, when the client
        accepts `text/event-stream`, server-sent events `status`, `evidence` (the candidate passages,
        before any model call), `token` (the answer's lines: the quoted passages as soon as the model has
        chosen them, then any line under them), then `answer` (that same object)."""
        from rag.answer.query import validate_question

        validate_question(body.question)
        docs = known_docs(app, body.docs)
        conv = None if body.conversation in (None, "new") else app.conversations.require(body.conversation)
        history = conv.history if conv else [(t.question, t.answer) for t in body.history]
        history = fit_history(history, body.question, app.settings.llm_ctx)
        keep = body.conversation is not None
        events = app.pipeline.stream(body.question, history=history, lang=body.lang, k=body.k, docs=docs)
        if wants_stream(request):
            return StreamingResponse(_sse_events(app, events, keep, conv and conv.id), media_type="text/event-stream")
        ans = next(ev.answer for ev in events if ev.kind == "answer")
        return _answer_json(app, ans, keep, conv and conv.id)

    return r


def _answer_json(app: App, ans, keep: bool, conversation: str | None) -> dict:
    out = ans.to_json()
    if keep:
        out["conversation"] = app.conversations.add(conversation, ans)
    return out


def _sse_events(app: App, events, keep: bool, conversation: str | None) -> Iterator[str]:
    try:
        for ev in events:
            if ev.kind == "answer":
                yield sse("answer", _answer_json(app, ev.answer, keep, conversation))
            elif ev.kind == "evidence":
                yield sse("evidence", {"evidence": [e.to_json() for e in ev.evidence]})
            elif ev.text:
                yield sse(ev.kind, {"text": ev.text})
    except RagError as e:  # the status line is sent: the error is the stream's last event
        yield sse("error", {"detail": e.user_message(), "status": status_of(e)})


def _document_routes(app: App) -> APIRouter:
    r = APIRouter(tags=["documents"])

    @r.get("/documents")
    def list_documents() -> list[dict]:
        """Every document: its id, title, source (the files' names), languages, paragraphs, aligned pairs,
        chunks, version and when it was ingested."""
        from ingest.targets import names as public_source

        return [d.to_json() | {"source": public_source(d.source)} for d in app.store.documents()]

    @r.post("/documents", status_code=201)
    def upload_documents(
        file: UploadFile | None = File(None, description="one document (md, html, pdf, docx, txt)"),
        en_file: UploadFile | None = File(None, description="the English version of a pair"),
        zh_file: UploadFile | None = File(None, description="the Chinese version of a pair"),
        doc: str | None = Form(None, description="the document id (default: from the file name)"),
        replace: bool = Form(False, description="replace a document of other files that has this id (else 409)"),
    ) -> list[dict]:
        """Ingest an upload: `file`, or `en_file` + `zh_file` as one document's two versions. Waits for
        another ingest to finish; nothing is stored when any file is bad or too large, or when the id is
        taken by a document of other files (409, unless `replace`). The same files again update it."""
        return [rep.to_json() for rep in _ingest_upload(app, (file, en_file, zh_file), doc, replace)]

    @r.post("/documents/{doc}/reingest")
    def reingest_document(doc: str) -> dict:
        """Ingest a document again from its kept files (after a parser or setting changed)."""
        from ingest.uploads import reingest

        return reingest(app, doc).to_json()

    @r.delete("/documents/{doc}")
    def delete_document(doc: str) -> dict:
        """Delete a document: its record, paragraphs and chunks."""
        from ingest.indexer import delete_document as delete

        if doc not in app.store.versions():
            raise NotFoundError(f"no document {doc!r}; nothing was deleted", hint="see GET /v1/documents")
        delete(app, doc, wait_s=60)
        return {"deleted": doc}

    return r


def _paragraph_routes(app: App) -> APIRouter:
    r = APIRouter(tags=["documents"])

    @r.get("/documents/{doc}/paragraphs")
    def document_paragraphs(doc: str, lang: str | None = None) -> list[dict]:
        """A document's paragraphs with their aligned twins, sections and pages."""
        if lang not in (None, "en", "zh"):
            raise InputError(f"lang must be en or zh, not {lang!r}")
        d = app.store.get_document(doc)
        if d is None:
            raise NotFoundError(f"no document {doc!r}", hint="see GET /v1/documents")
        return d.paragraph_records(lang)

    @r.get("/documents/{doc}/paragraphs/{lang}/{n}/page.png", response_class=Response,
           responses={200: {"content": {"image/png": {}}}})
    def paragraph_page(doc: str, lang: str, n: int) -> Response:
        """The PDF page a paragraph stands on, its area highlighted (404 for a paragraph not from a PDF)."""
        from rag.pages import page_png

        d = app.store.get_document(doc)
        para = d.get(lang, n) if d else None
        if para is None:
            raise NotFoundError(f"no paragraph {lang} {n} in {doc!r}", hint="see GET /v1/documents/{doc}/paragraphs")
        pdf = app.sources.pdf(doc, lang) if para.page else None
        if pdf is None:
            raise NotFoundError(f"{para.place} of {doc!r} is not from a PDF whose pages are kept")
        return Response(page_png(pdf, para), media_type="image/png")

    return r


def _save_upload(upload: UploadFile, folder: Path, limit: int) -> Path:
    """The upload under its own (base) name in ``folder``, read in chunks, refused past ``limit``."""
    name = Path(upload.filename or "").name
    if name in ("", ".", ".."):
        raise InputError("the upload has no file name")
    path = folder / name
    size = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(UPLOAD_CHUNK):
            size += len(chunk)
            if size > limit:
                raise TooLargeError(f"{name} is over the limit of {limit / 1024 / 1024:g} MB")
            out.write(chunk)
    return path


def _ingest_upload(app: App, files: tuple, doc: str | None, replace: bool):
    from ingest.targets import Target, check_doc_id, plan
    from ingest.uploads import ingest_files, upload_folder

    file, en_file, zh_file = files
    if (file is None) == (en_file is None and zh_file is None) or (en_file is None) != (zh_file is None):
        raise InputError("send `file`, or `en_file` and `zh_file` (one document's two versions)")
    limit = int(app.settings.max_upload_mb * 1024 * 1024)
    with upload_folder(app.settings.uploads_path / "api") as folder:
        try:
            paths = [_save_upload(u, folder, limit) for u in files if u is not None]
            targets = plan(paths, pair=len(paths) == 2, doc_id=check_doc_id(doc))
            targets = [Target(t.doc_id, t.en, t.zh, " + ".join(p.name for p in t.paths)) for t in targets]
            return ingest_files(app, paths, targets, replace=replace)
        except RagError as e:  # say the file's name, not where the server kept it
            e.args = (str(e).replace(f"{folder}/", ""),)
            raise


def _conversation_routes(app: App) -> APIRouter:
    r = APIRouter(tags=["conversations"])

    @r.get("/conversations")
    def list_conversations() -> list[dict]:
        """Kept conversations, the most recent first."""
        return [c.to_json() for c in app.conversations.list()]

    @r.get("/conversations/{conversation}")
    def get_conversation(conversation: str) -> dict:
        """A kept conversation: each turn with its full answer object."""
        return app.conversations.require(conversation).to_json()

    @r.delete("/conversations/{conversation}")
    def delete_conversation(conversation: str) -> dict:
        app.conversations.require(conversation)
        app.conversations.delete(conversation)
        return {"deleted": conversation}

    @r.get("/conversations/{conversation}/export", response_class=PlainTextResponse)
    def export_conversation(conversation: str, format: str = "md", turn: int | None = None):
        """The conversation (or one turn) as Markdown or HTML, citations as footnotes quoting both languages."""
        from rag.export import export

        if format not in ("md", "html"):
            raise InputError(f"format must be md or html, not {format!r}")
        conv = app.conversations.require(conversation)
        text = export(conv, app.retriever.document, format, turn)
        media = "text/markdown" if format == "md" else "text/html"
        headers = {"Content-Disposition": f'attachment; filename="conversation-{conv.id}.{format}"'}
        return PlainTextResponse(text, media_type=f"{media}; charset=utf-8", headers=headers)

    return r
