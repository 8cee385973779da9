"""`rag serve`: the API and the Gradio UI (mounted at /ui) on one app and one port, under uvicorn."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from rag.server.api import create_api
from rag.server.guard import UI_PATH, check_bind

if TYPE_CHECKING:
    from fastapi import FastAPI

    from rag.compose import App

log = logging.getLogger(__name__)


def with_ui(api: FastAPI, app: App) -> FastAPI:
    """Mount the UI at /ui (and send / there). With a token set, the UI asks for it too, as the
    password of RAG_UI_USER, unless RAG_UI_PASSWORD gives the UI its own."""
    import gradio as gr
    from fastapi.responses import RedirectResponse

    from ui.app import build_ui
    from ui.render import CSS, JS

    s = app.settings
    os.environ.setdefault("GRADIO_TEMP_DIR", str(s.uploads_path))
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    demo, i18n = build_ui(app)
    secret = s.ui_password or s.api_token
    api.add_api_route("/", lambda: RedirectResponse(UI_PATH + "/"), include_in_schema=False)
    return gr.mount_gradio_app(
        api, demo, path=UI_PATH, auth=(s.ui_user, secret) if secret else None, i18n=i18n, css=CSS, js=JS,
        max_file_size=int(s.max_upload_mb * 1024 * 1024), allowed_paths=[], show_error=False, footer_links=[],
    )


def build_server(app: App, ui: bool = True) -> FastAPI:
    api = create_api(app)
    return with_ui(api, app) if ui else api


def serve(app: App, host: str, port: int, ui: bool = True) -> None:
    """Serve until stopped; first remove what a killed ingest or upload left behind, and say so."""
    import uvicorn

    from ingest.uploads import sweep_leftovers

    check_bind(host, app.settings.api_token)
    app.settings.uploads_path.mkdir(parents=True, exist_ok=True)
    swept = sweep_leftovers(app)
    if swept:
        log.warning("%s", swept.line())
    uvicorn.run(build_server(app, ui), host=host, port=port, log_level="warning")
