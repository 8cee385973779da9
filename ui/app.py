"""The Gradio chat UI: a thin layer over the same pipeline object `rag ask` uses."""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from rag.compose import App
from rag.errors import DocumentExistsError, InputError, RagError
from ui.examples import example_questions
from ui.render import CSS, JS, SCROLL_JS, answer_html, details_markdown, evidence_html, page_html, reader_html

log = logging.getLogger(__name__)

LANG_CHOICES = {"Auto": None, "English": "en", "中文": "zh"}
ALL_DOCS = "*"
TRANSLATIONS = {
    "en": {
        "chat": "Chat", "placeholder": "Ask about the document in English or Chinese…", "send": "Ask",
        "answer_lang": "Answer language", "search_in": "Search in", "clear": "Clear chat", "document": "Document",
        "upload": "Upload a document", "ingest": "Ingest", "documents": "Documents", "examples": "Examples",
        "all_docs": "All documents", "details": "Sources, scores and timings",
        "delete": "Delete this document…", "confirm_delete": "Delete it for good", "cancel": "Cancel",
        "reingest": "Ingest again", "replace": "Replace the existing document",
        "conversations": "Conversations", "new_chat": "New conversation", "delete_chat": "Delete this conversation",
        "export_md": "Export Markdown", "export_html": "Export HTML",
    },
    "zh": {
        "chat": "对话", "placeholder": "用中文或英文提问…", "send": "提问", "answer_lang": "回答语言",
        "search_in": "检索范围", "clear": "清空对话", "document": "文档", "upload": "上传文档", "ingest": "导入",
        "documents": "已导入文档", "examples": "示例问题", "all_docs": "全部文档", "details": "来源、分数与耗时",
        "delete": "删除此文档…", "confirm_delete": "确认删除", "cancel": "取消", "reingest": "重新导入",
        "replace": "替换已有文档",
        "conversations": "历史对话", "new_chat": "新对话", "delete_chat": "删除此对话",
        "export_md": "导出 Markdown", "export_html": "导出 HTML",
    },
}


def scope_docs(scope) -> list[str] | None:
    """The documents to ask over: the ones picked (one, several), or None for all of them."""
    picked = [scope] if isinstance(scope, str) else list(scope or [])
    picked = [d for d in picked if d and d != ALL_DOCS]
    return picked or None


def _as_list(files) -> list:
    if files is None:
        return []
    return list(files) if isinstance(files, (list, tuple)) else [files]


def _size(n: int | None) -> str:
    if n is None:
        return "–"  # ingested before files were kept
    return f"{n} B" if n < 1024 else f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _upload_summary(rep) -> str:
    if rep.status == "unchanged":
        return f"Done: `{rep.doc_id}` is already ingested (unchanged)."
    detail = "\n".join(f"- {ln.strip()}" for ln in rep.lines()[1:])
    return f"Done: `{rep.doc_id}` {rep.status}: {rep.chunks} chunks in {rep.seconds:.1f} s.\n{detail}"


@dataclass(frozen=True)
class Uploaded:
    """What one click of Ingest did: the status to show, the last document stored (None: nothing was),
    and the ids of stored documents the upload would replace, asked about and not yet confirmed."""

    message: str
    doc_id: str | None = None
    asking: tuple[str, ...] = ()


class UIHandlers:
    """Event handlers, separate from the layout so they can be tested without a browser."""

    def __init__(self, app: App) -> None:
        self.app = app

    # --- documents ----------------------------------------------------------
    def doc_choices(self) -> list[tuple[str, str]]:
        return [(f"{d.title or d.doc_id} ({d.doc_id})", d.doc_id) for d in self.app.store.documents()]

    def docs_markdown(self) -> str:
        """The document table: title, id, paragraphs per language, aligned pairs, source, size, when ingested."""
        infos = self.app.store.documents()
        if not infos:
            return "_No documents yet._"
        rows = ["| title | id | EN ¶ | ZH ¶ | pairs | source | size | ingested |", "|---|---|---|---|---|---|---|---|"]
        for d in infos:
            size = self.app.sources.size(d.doc_id)
            cells = [d.title or d.doc_id, f"`{d.doc_id}`", str(d.n_en), str(d.n_zh), str(d.pairs),
                     Path(d.source.split(" + ")[0]).name + (" + …" if " + " in d.source else ""),
                     _size(size), d.ingested_at[:16].replace("T", " ")]
            rows.append("| " + " | ".join(html.escape(c).replace("|", "\\|") for c in cells) + " |")
        return "\n".join(rows)

    def reingest(self, doc_id: str | None, progress=None) -> str:
        """Ingest the selected document again from its kept files; the message says what happened."""
        from ingest.uploads import reingest

        if not doc_id:
            raise InputError("choose a document first")
        say = (lambda frac, what: progress(frac, desc=what)) if progress else None
        return _upload_summary(reingest(self.app, doc_id, say))

    def delete_document(self, doc_id: str | None) -> str:
        """Delete a document (its record, paragraphs and chunks); the message says what happened."""
        from ingest.indexer import delete_document

        if not doc_id or doc_id not in {d.doc_id for d in self.app.store.documents()}:
            raise InputError(f"no document {doc_id!r} to delete")
        delete_document(self.app, doc_id, wait_s=60)
        return f"Deleted `{doc_id}`."

    def _selected(self, doc_id: str | None):
        """The selected document, or the first one when none (or an unknown one) is selected."""
        doc = self.app.retriever.document(doc_id) if doc_id else None
        if doc is None:
            first = self.app.store.documents()
            doc = self.app.retriever.document(first[0].doc_id) if first else None
        return doc

    def examples(self, doc_id: str | None) -> list[list[str]]:
        """Example questions made from the selected document (or the first one), one per row."""
        return [[q] for q in example_questions(self._selected(doc_id))]

    def reader(self, doc_id: str | None, highlight=None) -> str:
        """The reader of a document, its differing paragraphs badged and the "Differences" list above."""
        from rag.diff import discrepancies

        doc = self._selected(doc_id)
        return reader_html(doc, highlight, discrepancies(doc) if doc is not None else None)

    def show_citation(self, key: str):
        """A clicked citation: the reader on its paragraph (both languages), the document selected, and
        for a PDF paragraph its page with the paragraph's area highlighted."""
        import gradio as gr

        try:
            doc_id, lang, n = key.rsplit("|", 2)
            n_int = int(n)
        except ValueError:
            return gr.update(), gr.update(), gr.update()
        if lang not in ("en", "zh") or self.app.retriever.document(doc_id) is None:
            return gr.update(), gr.update(), gr.update()
        return self.reader(doc_id, (lang, n_int)), gr.update(value=doc_id), self.page_view(doc_id, lang, n_int)

    def page_view(self, doc_id: str, lang: str, n: int) -> str:
        """The PDF page a paragraph stands on, highlighted, beside the aligned paragraph of the other
        version; "" when the paragraph is not from a kept PDF."""
        from rag.pages import page_png

        doc = self.app.retriever.document(doc_id)
        para = doc.get(lang, n) if doc else None
        pdf = self.app.sources.pdf(doc_id, lang) if para and para.page else None
        if pdf is None:
            return ""
        twins = [doc.get("zh" if lang == "en" else "en", t) for t in doc.twins(lang, n)]
        return page_html(para, page_png(pdf, para), [t for t in twins if t is not None])

    def ingest_upload(self, files, progress=None, replace: Collection[str] = ()):
        """Validate, then ingest uploaded files: one document each, or two files named as one text's
        English and Chinese versions (x.en.md + x.zh.md) as one pair. An upload while another ingest
        writes waits for it. A stored document of other files with an upload's id is replaced only
        when its id is in ``replace``. Returns (status markdown, doc id)."""
        from ingest.uploads import ingest_files

        paths = [Path(f if isinstance(f, str) else getattr(f, "name", f)) for f in _as_list(files)]
        say = (lambda frac, what: progress(frac, desc=what)) if progress else None
        reports = ingest_files(self.app, paths, progress=say, replace=frozenset(replace))
        return "\n\n".join(_upload_summary(r) for r in reports), reports[-1].doc_id

    def upload(self, files, replace_ticked: bool = False, asked: Collection[str] = (), progress=None) -> Uploaded:
        """One click of Ingest. An upload that would replace a stored document of other files is not
        ingested: the status names that document and asks for "Replace the existing document" to be
        ticked; that confirms replacing only the documents asked about (``asked``), on the next click."""
        confirmed = tuple(asked) if replace_ticked else ()
        try:
            msg, doc_id = self.ingest_upload(files, progress, replace=confirmed)
        except DocumentExistsError as e:
            return Uploaded(self._replace_question(e), None, tuple(dict.fromkeys((*confirmed, e.doc_id))))
        except RagError as e:
            return Uploaded(f"Not ingested: {html.escape(e.user_message())}")
        except Exception:
            log.exception("upload failed")
            return Uploaded("Not ingested: the file could not be ingested.")
        return Uploaded(msg, doc_id)

    def _replace_question(self, e: DocumentExistsError) -> str:
        from ingest.targets import names

        info = next((d for d in self.app.store.documents() if d.doc_id == e.doc_id), None)
        title = f" “{info.title}”" if info and info.title and info.title != e.doc_id else ""
        return (f"Not ingested yet: this upload would replace the document `{html.escape(e.doc_id)}`"
                f"{html.escape(title)} (from {html.escape(names(e.source))}). To replace it, tick "
                f"**{TRANSLATIONS['en']['replace']}** and click Ingest again; to keep both, rename the file.")

    # --- chat -------------------------------------------------------------------
    def respond(self, message: str, chat: list, turns: list, lang_choice: str, scope: str | None,
                conversation: str | None = None):
        """Generator: streams (chat, turns, textbox, conversation id) updates; the answer is kept in the
        conversation (a new one for the first question)."""
        chat = list(chat or [])
        turns = list(turns or [])
        chat.append({"role": "user", "content": html.escape(message or "")})
        chat.append({"role": "assistant", "content": "…"})
        start = len(chat) - 1  # this turn's messages: evidence first, then the answer and its details
        yield chat, turns, "", conversation
        lang = LANG_CHOICES.get(lang_choice)
        try:
            partial = ""
            for ev in self.app.pipeline.stream(message, history=[tuple(t) for t in turns], lang=lang, docs=scope_docs(scope)):
                if ev.kind == "evidence":  # before any model call
                    chat[-1:] = [{"role": "assistant", "content": evidence_html(ev.evidence, coming=True)},
                                 {"role": "assistant", "content": "…"}]
                    yield chat, turns, "", conversation
                elif ev.kind == "token":
                    partial += ev.text
                    chat[-1] = {"role": "assistant", "content": html.escape(partial) + " ▌"}
                    yield chat, turns, "", conversation
                elif ev.kind == "answer":
                    chat[start:] = answer_messages(ev.answer)
                    turns.append([message, ev.answer.text])
                    conversation = self.app.conversations.add(conversation, ev.answer)
                    yield chat, turns, "", conversation
        except RagError as e:
            if not isinstance(e, InputError):
                log.warning("ui error: %s", e)
            chat[-1] = {"role": "assistant", "content": f"⚠ {html.escape(e.user_message())}"}
            yield chat, turns, "", conversation
        except Exception:  # never a stack trace in the UI
            log.exception("unexpected error answering %r", message[:200] if message else message)
            chat[-1] = {"role": "assistant", "content": "⚠ Something went wrong while answering; please try again. 出错了，请重试。"}
            yield chat, turns, "", conversation

    # --- kept conversations ---------------------------------------------------------
    def conversation_choices(self) -> list[tuple[str, str]]:
        return [(f"{c.title} · {c.turns} Q · {c.updated_at[:16].replace('T', ' ')}", c.id) for c in self.app.conversations.list()]

    def open_conversation(self, conversation: str | None) -> tuple[list, list]:
        """A kept conversation's chat (each answer with its chips and details) and its history."""
        conv = self.app.conversations.get(conversation) if conversation else None
        if conv is None:
            return [], []
        chat: list = []
        for t in conv.turns:
            chat += [{"role": "user", "content": html.escape(t.question)}, *answer_messages(t.answer)]
        return chat, [list(pair) for pair in conv.history]

    def delete_conversation(self, conversation: str | None) -> None:
        if conversation:
            self.app.conversations.delete(conversation)

    def export_file(self, conversation: str | None, fmt: str) -> str | None:
        """The conversation exported to a file for the download button (None: nothing to export yet)."""
        import tempfile

        from rag.export import export

        conv = self.app.conversations.get(conversation) if conversation else None
        if conv is None or not conv.turns:
            return None
        folder = Path(tempfile.gettempdir()) / "bilingual-rag-exports"
        folder.mkdir(exist_ok=True)
        path = folder / f"conversation-{conv.id}.{fmt}"
        path.write_text(export(conv, self.app.retriever.document, fmt), encoding="utf-8")
        return str(path)

    def ask_api(self, question: str, lang: str | None = None) -> dict:
        """A plain API endpoint (for gradio_client): the same JSON as `rag ask --json`."""
        try:
            return self.app.pipeline.answer(question, lang=lang or None).to_json()
        except RagError as e:
            return {"error": e.user_message()}


def answer_messages(ans) -> list[dict]:
    """An answer in the chat: the evidence shown before it, the text with its citation chips, then the
    collapsed details."""
    evidence = [{"role": "assistant", "content": evidence_html(ans)}] if ans.evidence else []
    return evidence + [
        {"role": "assistant", "content": answer_html(ans)},
        {"role": "assistant", "content": details_markdown(ans),
         "metadata": {"title": "Sources, scores and timings · 来源与耗时", "status": "done"}},
    ]


def build_ui(app: App):
    import gradio as gr

    h = UIHandlers(app)
    i18n = gr.I18n(**TRANSLATIONS)
    with gr.Blocks(title="Bilingual document QA · 双语文档问答") as demo:
        turns = gr.State([])
        conversation = gr.State(None)
        conv_list, conv_buttons = _sidebar(h, i18n)
        gr.Markdown("## Bilingual document QA · 双语文档问答")
        with gr.Row(equal_height=False):
            with gr.Column(scale=5):
                chatbot = gr.Chatbot(label=i18n("chat"), height=540, elem_id="chat", sanitize_html=True, buttons=["copy"])
                with gr.Row():
                    box = gr.Textbox(placeholder=i18n("placeholder"), show_label=False, scale=6, elem_id="question", max_lines=4)
                    send = gr.Button(i18n("send"), variant="primary", scale=1, elem_id="send")
                with gr.Row():
                    lang = gr.Radio(list(LANG_CHOICES), value="Auto", label=i18n("answer_lang"), elem_id="lang")
                    scope = gr.Dropdown(h.doc_choices(), value=[], multiselect=True, label=i18n("search_in"), elem_id="scope",
                                        info="none picked: all documents · 不选即全部文档")
                    clear = gr.Button(i18n("clear"), elem_id="clear")
                first_doc = (h.doc_choices() or [("", None)])[0][1]
                examples = gr.Dataset(components=[box], samples=h.examples(first_doc), label=i18n("examples"), elem_id="examples")
            with gr.Column(scale=6):
                lib = _library_column(h, i18n, app.settings.max_upload_mb)
        doc_select, reader, page_view = lib.doc_select, lib.reader, lib.page_view
        cite_target = gr.Textbox(elem_id="cite-target", elem_classes="hidden-ctl", show_label=False)
        cite_go = gr.Button("show", elem_id="cite-go", elem_classes="hidden-ctl")

        ev_args = dict(inputs=[box, chatbot, turns, lang, scope, conversation], outputs=[chatbot, turns, box, conversation])
        kept = _wire_conversations(h, conversation, conv_list, chatbot, turns, conv_buttons)
        box.submit(h.respond, **ev_args, api_visibility="private").then(**kept)
        send.click(h.respond, **ev_args, api_visibility="private").then(**kept)
        clear.click(lambda: ([], [], "", None), outputs=[chatbot, turns, box, conversation], api_visibility="private").then(**kept)
        cite_go.click(h.show_citation, inputs=[cite_target], outputs=[reader, doc_select, page_view], api_visibility="private").then(
            None, js=SCROLL_JS
        )
        doc_select.change(lambda d: (h.reader(d), gr.Dataset(samples=h.examples(d))), inputs=[doc_select],
                          outputs=[reader, examples], api_visibility="private")
        examples.click(lambda sample: sample[0], inputs=[examples], outputs=[box], api_visibility="private")

        outputs = [lib.status, doc_select, scope, lib.docs_md, reader]
        _wire_upload(h, lib.ingest_btn, lib.upload, lib.replace_box, lib.asked, outputs)
        _wire_delete(h, lib.delete_btn, lib.confirm_btn, lib.cancel_btn, doc_select, outputs)
        _wire_reingest(h, lib.reingest_btn, doc_select, outputs)
        _wire_api(h)
    demo.queue(default_concurrency_limit=app.settings.ui_concurrency, max_size=64)
    return demo, i18n


def _library_column(h: UIHandlers, i18n, max_upload_mb: float) -> SimpleNamespace:
    """The document side: the document picker and its buttons, the page view, the reader, uploads, the
    library list."""
    import gradio as gr

    choices = h.doc_choices()
    first = choices[0][1] if choices else None
    c = SimpleNamespace()
    c.doc_select = gr.Dropdown(choices, value=first, label=i18n("document"), elem_id="doc-select")
    with gr.Row():
        c.reingest_btn = gr.Button(i18n("reingest"), elem_id="reingest", size="sm", variant="secondary")
        c.delete_btn = gr.Button(i18n("delete"), elem_id="delete", size="sm", variant="secondary")
        c.confirm_btn = gr.Button(i18n("confirm_delete"), elem_id="delete-yes", size="sm", variant="stop", visible=False)
        c.cancel_btn = gr.Button(i18n("cancel"), elem_id="delete-no", size="sm", visible=False)
    c.page_view = gr.HTML("", elem_id="page-view")
    c.reader = gr.HTML(h.reader(first), elem_id="reader")
    with gr.Accordion(i18n("upload"), open=False, elem_id="upload-panel"):
        c.upload = gr.File(file_types=[".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"], file_count="multiple",
                           elem_id="upload", label=f"md · html · pdf · docx · txt; x.en.md + x.zh.md as a pair (≤ {max_upload_mb:g} MB each)")
        c.replace_box = gr.Checkbox(False, label=i18n("replace"), visible=False, elem_id="upload-replace")
        c.asked = gr.State([])
        c.ingest_btn = gr.Button(i18n("ingest"), elem_id="ingest")
        c.status = gr.Markdown(elem_id="upload-status")
    c.docs_md = gr.Markdown(h.docs_markdown(), elem_id="docs")
    return c


def _sidebar(h: UIHandlers, i18n):
    """The kept conversations: the list, then new / export Markdown / export HTML / delete."""
    import gradio as gr

    with gr.Sidebar(label=i18n("conversations"), open=False, elem_id="sidebar"):
        new_chat = gr.Button(i18n("new_chat"), elem_id="new-chat", size="sm", variant="primary")
        conv_list = gr.Radio(h.conversation_choices(), value=None, label=i18n("conversations"), elem_id="conversations")
        export_md = gr.DownloadButton(i18n("export_md"), elem_id="export-md", size="sm", interactive=False)
        export_html = gr.DownloadButton(i18n("export_html"), elem_id="export-html", size="sm", interactive=False)
        delete_chat = gr.Button(i18n("delete_chat"), elem_id="delete-chat", size="sm", variant="stop")
    return conv_list, (new_chat, delete_chat, export_md, export_html)


def _wire_conversations(h: UIHandlers, conversation, conv_list, chatbot, turns, buttons) -> dict:
    """The sidebar: kept conversations (reopened by a click), a new one, delete, and export downloads.
    Returns the event that refreshes the list and the downloads after the conversation changes."""
    import gradio as gr

    new_chat, delete_chat, export_md, export_html = buttons

    def show_kept(cid):  # (not "ask": that name is the public API's)
        md, page = h.export_file(cid, "md"), h.export_file(cid, "html")
        return (gr.update(choices=h.conversation_choices(), value=cid),
                gr.update(value=md, interactive=bool(md)), gr.update(value=page, interactive=bool(page)))

    kept = dict(fn=show_kept, inputs=[conversation], outputs=[conv_list, export_md, export_html], api_visibility="private")

    def reopen(cid):
        chat, history = h.open_conversation(cid)
        return chat, history, cid

    conv_list.input(reopen, inputs=[conv_list], outputs=[chatbot, turns, conversation], api_visibility="private").then(**kept)
    new_chat.click(lambda: ([], [], None), outputs=[chatbot, turns, conversation], api_visibility="private").then(**kept)

    def forget(cid):
        h.delete_conversation(cid)
        return [], [], None

    delete_chat.click(forget, inputs=[conversation], outputs=[chatbot, turns, conversation], api_visibility="private").then(**kept)
    return kept


def _wire_upload(h: UIHandlers, ingest_btn, upload, replace_box, asked, outputs) -> None:
    """Ingest the uploaded files; the status says what was stored or why nothing was. An upload that
    would replace a stored document shows "Replace the existing document" (unticked) and waits for
    it; other files chosen withdraw the question."""
    import gradio as gr

    def do_upload(file, ticked, asked_ids, progress=gr.Progress()):
        out = h.upload(file, ticked, asked_ids or (), progress)
        box = gr.update(visible=bool(out.asking), value=False)
        if out.doc_id is None:
            return out.message, gr.update(), gr.update(), gr.update(), gr.update(), box, list(out.asking)
        choices = h.doc_choices()
        return (out.message, gr.update(choices=choices, value=out.doc_id), gr.update(choices=choices),
                h.docs_markdown(), h.reader(out.doc_id), box, [])

    ingest_btn.click(do_upload, inputs=[upload, replace_box, asked], outputs=[*outputs, replace_box, asked],
                     api_visibility="private")
    upload.change(lambda: (gr.update(visible=False, value=False), []), outputs=[replace_box, asked],
                  api_visibility="private")


def _wire_api(h: UIHandlers) -> None:
    """The public /ask endpoint (gradio_client): a question and a language in, the answer's JSON out."""
    import gradio as gr

    api_q = gr.Textbox(visible=False)
    api_lang = gr.Textbox(visible=False)
    api_out = gr.JSON(visible=False)
    api_btn = gr.Button(visible=False)
    api_btn.click(h.ask_api, inputs=[api_q, api_lang], outputs=[api_out], api_name="ask")


def _wire_reingest(h: UIHandlers, reingest_btn, doc_select, outputs) -> None:
    """Ingest the selected document again from its kept files, with the upload's progress."""
    import gradio as gr

    def ingest_again(doc_id, progress=gr.Progress()):
        try:
            msg = h.reingest(doc_id, progress)
        except RagError as e:
            msg = f"Not ingested again: {html.escape(e.user_message())}"
        return msg, gr.update(), gr.update(), h.docs_markdown(), h.reader(doc_id)

    reingest_btn.click(ingest_again, inputs=[doc_select], outputs=outputs, api_visibility="private")


def _wire_delete(h: UIHandlers, delete_btn, confirm_btn, cancel_btn, doc_select, outputs) -> None:
    """Delete asks first: the button shows "Delete for good" and "Cancel"; only the first deletes."""
    import gradio as gr

    # (these names become endpoint names: none may be "ask", the public API's)
    def confirm_delete_first(doc_id):
        return gr.update(visible=False), gr.update(visible=bool(doc_id)), gr.update(visible=bool(doc_id))

    def keep_document():
        return gr.update(visible=True), gr.update(visible=False), gr.update(visible=False)

    def delete_for_good(doc_id):
        try:
            msg = h.delete_document(doc_id)
        except RagError as e:
            msg = f"Not deleted: {html.escape(e.user_message())}"
        choices = h.doc_choices()
        first = choices[0][1] if choices else None
        return (msg, gr.update(choices=choices, value=first), gr.update(choices=choices, value=[]),
                h.docs_markdown(), h.reader(first))

    buttons = [delete_btn, confirm_btn, cancel_btn]
    delete_btn.click(confirm_delete_first, inputs=[doc_select], outputs=buttons, api_visibility="private")
    cancel_btn.click(keep_document, outputs=buttons, api_visibility="private")
    confirm_btn.click(delete_for_good, inputs=[doc_select], outputs=outputs, api_visibility="private").then(
        keep_document, outputs=buttons, api_visibility="private"
    )


def launch(app: App, host: str | None = None, port: int | None = None, block: bool = True):
    s = app.settings
    s.uploads_path.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("GRADIO_TEMP_DIR", str(s.uploads_path))
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    demo, i18n = build_ui(app)
    auth = (s.ui_user, s.ui_password) if s.ui_password else None
    demo.launch(
        server_name=host or s.ui_host,
        server_port=port or s.ui_port,
        share=False,
        auth=auth,
        max_file_size=int(s.max_upload_mb * 1024 * 1024),
        allowed_paths=[],
        show_error=False,
        prevent_thread_lock=not block,
        quiet=not block,
        i18n=i18n,
        css=CSS,
        js=JS,
        footer_links=[],
    )
    return demo
