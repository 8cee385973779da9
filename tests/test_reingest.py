"""Every ingested document's files are kept (RAG_HOME/sources) and it can be ingested again from them:
`rag reingest`, the UI's "Ingest again" button, `POST /v1/documents/{doc}/reingest`."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ingest.uploads import reingest
from rag.errors import InputError, NotFoundError
from ui.server.api import create_api
from tests.conftest import make_app
from ui.app import UIHandlers

DOC = "000_e8aec6b6a6faab82"


@pytest.fixture
def app(settings):
    return make_app(settings)


def test_files_are_kept_and_sized(app):
    kept = app.sources.files(DOC)
    assert list(kept) == ["doc"] and kept["doc"].suffix == ".txt"
    assert app.sources.size(DOC) == kept["doc"].stat().st_size > 0
    assert "| size |" in UIHandlers(app).docs_markdown() and " KB |" in UIHandlers(app).docs_markdown()


def test_reingest_reads_the_kept_file(app):
    assert reingest(app, DOC).status == "unchanged"
    kept = app.sources.files(DOC)["doc"]
    text = kept.read_text(encoding="utf-8")
    kept.write_text(text.replace("Since last autumn", "Since the autumn of last year"), encoding="utf-8")
    said = []
    rep = reingest(app, DOC, lambda frac, what: said.append(what))
    assert rep.status == "updated" and rep.doc_id == DOC
    assert "Since the autumn of last year" in app.store.get_document(DOC).get("en", 1).text
    assert any(w.startswith("embedding and storing: ") and w.endswith(f"/{rep.chunks} chunks") for w in said)
    assert app.sources.files(DOC)["doc"].read_text(encoding="utf-8") != text  # the kept file survived its own re-ingest


def test_reingest_without_kept_files_or_document_says_what_to_do(app):
    with pytest.raises(NotFoundError):
        reingest(app, "nope")
    app.sources.drop(DOC)  # as for a document ingested before files were kept
    with pytest.raises(InputError) as err:
        reingest(app, DOC)
    assert "rag ingest PATH" in err.value.user_message()
    assert app.store.get_document(DOC) is not None  # nothing changed


def test_reingest_through_the_ui_and_the_api(app):
    assert "unchanged" in UIHandlers(app).reingest(DOC)
    client = TestClient(create_api(app))
    r = client.post(f"/v1/documents/{DOC}/reingest")
    assert r.status_code == 200 and r.json()["status"] == "unchanged"
    assert client.post("/v1/documents/nope/reingest").status_code == 404


def test_rag_reingest_command(tmp_path):
    from tests.test_cli_ask import run

    assert run(["ingest"], tmp_path).returncode == 0
    p = run(["reingest", DOC, "--json"], tmp_path)
    assert p.returncode == 0, p.stderr
    assert '"status": "unchanged"' in p.stdout
    p = run(["reingest", "nope"], tmp_path)
    assert p.returncode == 1 and "no document 'nope'" in p.stderr
