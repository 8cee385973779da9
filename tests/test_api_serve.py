"""`rag serve` as a real process on 0.0.0.0 with a token (#36): what it does before reading a body,
what it serves without the token, the UI's login, a chunked body over the limit, and what a killed
ingest or upload left behind, swept at start-up. Each client address has its own lockout, so the
lockout cases connect from other loopback addresses (127.0.0.2, 127.0.0.3)."""

from __future__ import annotations

import socket
import uuid
from urllib.parse import urlparse

import httpx
import pytest

from rag.settings import Settings
from tests.conftest import make_app
from tests.servers import rag_serve

TOKEN = "tok-36"
AUTH = {"authorization": f"Bearer {TOKEN}"}
NOTE = "# Pier\n\nThe north pier was rebuilt in 2019 after the storm damaged it badly.\n"


class Killed(Exception):
    """Stands for kill -9: the process stops there."""


def crash_at_the_flip(app, path) -> int:
    """Ingest ``path`` but die after its chunks are stored and before its record is (an upload killed
    in its write phase); the number of chunks it leaves."""
    doc = app.indexer.prepare_path(path)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(type(app.store), "_upsert_records", lambda *a, **kw: (_ for _ in ()).throw(Killed()))
        with pytest.raises(Killed):
            app.indexer.write([doc], progress=False)
    return len(app.store.vs.get(where={"doc": doc.doc_id}, include=[])["ids"])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The server, over a data dir where a killed upload left chunks and its upload folder."""
    home = tmp_path_factory.mktemp("serve36") / "home"
    app = make_app(Settings(home=home, embedding_model="fake", llm_model="fake"))
    note = home / "pier.md"
    note.write_text(NOTE, encoding="utf-8")
    orphans = crash_at_the_flip(app, note)
    app.close()  # the server opens the index next
    stale = home / "uploads" / "api" / uuid.uuid4().hex
    stale.mkdir(parents=True)
    (stale / "pier.md").write_text(NOTE, encoding="utf-8")
    log = home.parent / "serve.log"
    with rag_serve(home, log=log, host="0.0.0.0", RAG_API_TOKEN=TOKEN, RAG_API_RATE_PER_MINUTE="1000") as url:
        yield url, {"orphans": orphans, "stale": stale, "log": log}


def _from(address: str) -> httpx.Client:
    """A client whose connections come from ``address``."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address))


def test_start_up_removes_and_reports_what_a_killed_upload_left(served):
    _, left = served
    assert left["orphans"] > 0 and not left["stale"].exists()
    said = left["log"].read_text()
    assert f"{left['orphans']} chunk(s) of no current document version, 1 upload folder(s)" in said


def test_a_request_without_the_token_is_refused_before_its_body(served):
    url, _ = served
    u = urlparse(url)
    head = (b"POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
            b"Content-Length: 9437184\r\nExpect: 100-continue\r\n\r\n")
    with socket.create_connection((u.hostname, u.port), timeout=10) as s:
        s.sendall(head)
        first = s.recv(4096)
    assert first.startswith(b"HTTP/1.1 401"), first[:60]  # no "100 Continue": the 9 MB are never asked for


def test_docs_and_the_uis_unchecked_routes_need_the_token_or_the_login(served):
    url, _ = served
    for path in ("/docs", "/redoc", "/openapi.json", "/v1/nope"):
        assert httpx.get(url + path).status_code == 401, path
    assert httpx.get(url + "/openapi.json", headers=AUTH).status_code == 200
    ui = url + "/ui/gradio_api"
    assert httpx.post(f"{ui}/cancel", json={"session_hash": "x", "fn_index": 0, "event_id": "e"}).status_code == 401
    assert httpx.post(f"{ui}/reset", json={"session_hash": "x", "fn_index": 0, "event_id": "e"}).status_code == 401
    with httpx.stream("GET", f"{ui}/heartbeat/abc", timeout=10) as r:
        assert r.status_code == 401 and r.headers["content-type"] == "application/json"
    with httpx.Client(base_url=url) as browser:
        assert browser.post("/ui/login", data={"username": "rag", "password": TOKEN}).status_code == 200
        with browser.stream("GET", "/ui/gradio_api/heartbeat/abc", timeout=10) as r:
            assert r.status_code == 200  # logged in: Gradio's own answer


def test_a_chunked_upload_over_the_limit_is_a_json_413(served):
    url, _ = served

    def body():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.md"\r\n\r\n'
        for _ in range(180):
            yield b"x" * 65536  # 11.5 MB, past two files of 5 MB

    r = httpx.post(f"{url}/v1/documents", content=body(), headers=AUTH | {"content-type": "multipart/form-data; boundary=b"},
                   timeout=60)
    assert r.status_code == 413 and "this route takes at most 10.1 MB" in r.json()["detail"]


def test_wrong_tokens_lock_the_address_out(served):
    url, client = served[0], _from("127.0.0.2")
    codes = [client.get(f"{url}/v1/documents", headers={"authorization": f"Bearer no{i}"}).status_code for i in range(12)]
    assert codes[:5] == [401] * 5 and codes[-1] == 429
    r = client.get(f"{url}/v1/documents", headers=AUTH)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert httpx.get(f"{served[0]}/v1/documents", headers=AUTH).status_code == 200  # another address is not locked


def test_wrong_ui_passwords_lock_the_address_out(served):
    url, client = served[0], _from("127.0.0.3")
    codes = [client.post(f"{url}/ui/login", data={"username": "rag", "password": f"no{i}"}).status_code for i in range(8)]
    assert codes[:5] == [400] * 5 and codes[-1] == 429
    assert client.post(f"{url}/ui/login", data={"username": "rag", "password": TOKEN}).status_code == 429
