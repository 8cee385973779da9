"""What a hostile but fair tester found in `rag serve` (#36), each case with the regression test that
failed before its fix. In-process through FastAPI's test client (fake models, a temp data dir, the
sample ingested); `tests/test_api_serve.py` has the cases that need a real server on loopback."""

from __future__ import annotations

import time

import httpx
import openai
import pytest
from fastapi.testclient import TestClient

from ingest.targets import plan
from rag.server.api import create_api
from rag.server.common import estimate_tokens, fit_history
from rag.server.guard import LoginFailures
from tests.conftest import make_app

EN_MD = "# Bridge\n\nThe bridge opened in 1932 and carries six lanes of traffic.\n\nIt was painted grey until 1955.\n"
ZH_MD = "# 大桥\n\n这座桥于1932年通车，有六条车道。\n\n直到1955年它一直被漆成灰色。\n"
SAMPLE = "000_e8aec6b6a6faab82"
AUTH = {"authorization": "Bearer s3cret"}


@pytest.fixture
def app(settings):
    return make_app(settings)


@pytest.fixture
def client(app):
    return TestClient(create_api(app), raise_server_exceptions=False)


def _with(settings, **changes):
    for k, v in changes.items():
        setattr(settings, k, v)
    app = make_app(settings)
    return app, TestClient(create_api(app), raise_server_exceptions=False)


# --- 1. failed logins are limited -------------------------------------------------------------------

def test_wrong_tokens_lock_the_address_out_even_for_the_right_token(settings):
    _, client = _with(settings, api_token="s3cret", api_rate_per_minute=1000)
    codes = [client.get("/v1/documents", headers={"authorization": f"Bearer guess{i}"}).status_code for i in range(30)]
    assert codes[:5] == [401] * 5 and set(codes[6:]) == {429}
    r = client.get("/v1/documents", headers=AUTH)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "failed logins" in r.json()["detail"]


def test_the_lockout_doubles_and_a_success_clears_the_count():
    f = LoginFailures(free=2, base_s=1.0, max_s=60.0)
    assert [f.failed("a", now=0.0) for _ in range(2)] == [0.0, 0.0]
    assert f.failed("a", now=0.0) == 1.0 and f.failed("a", now=0.5) == 2.0 and f.failed("a", now=1.0) == 4.0
    assert f.locked_for("a", now=2.0) == 3.0 and f.locked_for("b", now=2.0) == 0.0  # per address
    assert f.failed("a", now=10.0) == 8.0 and max(f.failed("a", now=20.0 + i) for i in range(20)) == 60.0
    f.succeeded("a")
    assert f.locked_for("a", now=21.0) == 0.0 and f.failed("a", now=21.0) == 0.0


# --- 4. no server paths ------------------------------------------------------------------------------

def test_errors_and_document_lists_name_files_not_server_paths(client, app):
    r = client.post("/v1/documents", files={"file": ("empty.txt", b"")})
    assert r.status_code == 400 and r.json()["detail"].startswith("empty.txt is empty")
    [doc] = client.get("/v1/documents").json()
    assert doc["source"] == f"{SAMPLE}.txt"  # ingested from the command line by its full path
    for body in (r.text, client.get("/v1/documents").text):
        assert str(app.settings.home) not in body and "/uploads/" not in body and "/data/" not in body


# --- 5. ids never silently collide --------------------------------------------------------------------

def test_an_upload_whose_id_another_document_has_is_409_unless_replace(client, app):
    assert client.post("/v1/documents", files={"file": ("bridge.md", EN_MD.encode())}).status_code == 201
    pair = {"en_file": ("bridge.en.md", EN_MD.encode()), "zh_file": ("bridge.zh.md", ZH_MD.encode())}
    r = client.post("/v1/documents", files=pair)
    assert r.status_code == 409, r.text
    detail = r.json()["detail"]
    assert "'bridge'" in detail and "bridge.md" in detail and "replace=true" in detail
    assert app.store.get_document("bridge").source == "bridge.md"  # untouched
    again = client.post("/v1/documents", files={"file": ("bridge.md", EN_MD.encode() + b"\nA new paragraph here.\n")})
    assert again.status_code == 201 and again.json()[0]["status"] == "updated"  # the same file: an update
    r = client.post("/v1/documents", files=pair, data={"replace": "true"})
    assert r.status_code == 201 and r.json()[0]["status"] == "updated"
    assert app.store.get_document("bridge").source == "bridge.en.md + bridge.zh.md"


def test_an_upload_with_a_taken_id_given_as_doc_is_409(client):
    r = client.post("/v1/documents", files={"file": ("other.md", EN_MD.encode())}, data={"doc": SAMPLE})
    assert r.status_code == 409 and SAMPLE in r.json()["detail"]


# --- 7. one file with a chosen id ---------------------------------------------------------------------

def test_one_file_with_a_doc_id_is_ingested_under_it(client, tmp_path):
    r = client.post("/v1/documents", files={"file": ("bridge.md", EN_MD.encode())}, data={"doc": "abc"})
    assert r.status_code == 201, r.text
    assert r.json()[0]["doc"] == "abc"
    f = tmp_path / "x.md"
    f.write_text(EN_MD)
    [t] = plan([f], doc_id="abc")
    assert (t.doc_id, t.paths) == ("abc", (f,))


# --- 8. history within the model's context --------------------------------------------------------------

def _context_limited(app, ctx_tokens: int):
    """The model refuses a prompt over its context, as a llama.cpp server does (400)."""
    from rag.llm import rule_based_reply

    def reply(messages):
        used = sum(estimate_tokens(str(m.content)) for m in messages)
        if used > ctx_tokens:
            request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
            raise openai.BadRequestError(f"the request ({used} tokens) exceeds the available context size",
                                         response=httpx.Response(400, request=request), body=None)
        return rule_based_reply(messages)

    app.chat_backend.llm.reply_fn = reply


def test_a_long_history_is_cut_to_the_context_not_a_500(client, app):
    _context_limited(app, app.settings.llm_ctx)
    long_q = "这座港口在风暴之后经历了很长时间的修复工作。" * 90  # 1,890 characters, about as many tokens
    history = [{"question": long_q, "answer": "修复花了两百三十万美元。" * 60} for _ in range(2)]
    body = {"question": "它什么时候重新开放的？", "history": history}
    r = client.post("/v1/ask", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["standalone_question"]


def test_history_keeps_the_latest_turns_that_fit():
    turns = [("中" * 2000, "a"), ("中" * 1500, "b"), ("short", "c")]
    assert fit_history(turns, "now?", 4096) == turns[1:]
    assert fit_history(turns, "问" * 2000, 4096) == turns[2:]
    assert fit_history([("中" * 5000, "x")], "now?", 4096) == []


def test_a_history_question_over_the_question_limit_is_422(client):
    r = client.post("/v1/ask", json={"question": "And then?", "history": [{"question": "x" * 2001, "answer": "y"}]})
    assert r.status_code == 422 and "history" in r.text


# --- 9. every 413 is JSON and says the limit -------------------------------------------------------------

def test_an_undeclared_body_over_the_limit_is_a_json_413(settings):
    app, client = _with(settings, max_upload_mb=0.01)
    before = app.store.versions()

    def chunks():
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.md"\r\n\r\n'
        for _ in range(40):
            yield b"x" * 4096

    r = client.post("/v1/documents", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
    assert r.status_code == 413 and r.headers["content-type"] == "application/json"
    assert "at most 85 KB" in r.json()["detail"]
    big = client.post("/v1/ask", json={"question": "x" * 70_000})
    assert big.status_code == 413 and "at most 64 KB" in big.json()["detail"]
    assert app.store.versions() == before


# --- 10. errors in HTTP's terms ---------------------------------------------------------------------------

def test_errors_name_fields_and_routes_not_cli_flags(client):
    pair = {"en_file": ("notes.en.md", ZH_MD.encode()), "zh_file": ("notes.zh.md", ZH_MD.encode())}
    details = [client.post("/v1/documents", files=pair).json()["detail"],
               client.post("/v1/documents/nope/reingest").json()["detail"]]
    assert "should be the English version" in details[0]
    for d in details:
        assert "--" not in d and "`rag" not in d and "rag docs" not in d, d


def test_429_says_the_same_wait_as_retry_after(settings):
    _, client = _with(settings, api_rate_per_minute=1)
    client.get("/v1/documents")
    r = client.get("/v1/documents")
    wait = int(r.headers["retry-after"])
    assert r.status_code == 429 and f"try again in {wait} s" in r.json()["detail"] and wait >= 1


def test_an_uploads_seconds_count_its_parse_align_and_embedding(client, app, monkeypatch):
    real = app.indexer.prepare
    monkeypatch.setattr(app.indexer, "prepare", lambda t: time.sleep(0.6) or real(t))
    t0 = time.perf_counter()
    r = client.post("/v1/documents", files={"file": ("bridge.md", EN_MD.encode())})
    took = time.perf_counter() - t0
    assert r.status_code == 201 and 0.6 <= r.json()[0]["seconds"] <= took + 0.01


@pytest.mark.parametrize("data", ['{"question": "When?"}'.encode("utf-16"), '{"question": "When?"}'.encode("utf-16-le"),
                                  b'\xef\xbb\xbf{"question": "When?"}', b'{"question": "\xff"}'])
def test_a_json_body_must_be_utf8(client, data):
    r = client.post("/v1/ask", content=data, headers={"content-type": "application/json"})
    assert r.status_code == 400 and "UTF-8" in r.json()["detail"]


def test_an_unexpected_failure_is_a_json_500_without_a_trace(client, app, monkeypatch):
    def broken():
        raise RuntimeError(f"boom in {app.settings.home}")

    monkeypatch.setattr(app.conversations, "list", broken)
    r = client.get("/v1/conversations")
    assert r.status_code == 500 and r.json() == {"detail": "the server failed on this request (its log says why)"}


# --- 6. what a killed upload left is swept ---------------------------------------------------------------

def test_leftovers_of_a_killed_upload_are_swept_and_reported(app, tmp_path):
    from ingest.uploads import sweep_leftovers, upload_folder
    from tests.test_api_serve import crash_at_the_flip

    note = tmp_path / "pier.md"
    note.write_text("# Pier\n\nThe north pier was rebuilt in 2019 after the storm damaged it badly.\n", encoding="utf-8")
    orphans = crash_at_the_flip(app, note)
    api = app.settings.uploads_path / "api"
    (api / "dead").mkdir(parents=True)  # a killed process's folder: no lock held
    (api / "dead" / "pier.md").write_text("x")
    with upload_folder(api) as live:  # an upload in flight keeps its folder
        swept = sweep_leftovers(app)
        assert live.is_dir()
    assert (swept.chunks, swept.folders) == (orphans, 1) and orphans > 0 and "1 upload folder(s)" in swept.line()
    assert app.store.vs.get(where={"doc": "pier"}, include=[])["ids"] == [] and list(api.iterdir()) == []
    assert not sweep_leftovers(app)  # nothing more


def test_the_next_upload_sweeps_chunks_a_killed_one_left(client, app, tmp_path):
    from tests.test_api_serve import crash_at_the_flip

    note = tmp_path / "pier.md"
    note.write_text("# Pier\n\nThe north pier was rebuilt in 2019 after the storm damaged it badly.\n", encoding="utf-8")
    assert crash_at_the_flip(app, note) > 0
    assert client.post("/v1/documents", files={"file": ("bridge.md", EN_MD.encode())}).status_code == 201
    assert app.store.vs.get(where={"doc": "pier"}, include=[])["ids"] == []


def test_a_websocket_without_the_token_or_the_login_is_closed(settings):
    from starlette.websockets import WebSocketDisconnect

    _, client = _with(settings, api_token="s3cret")
    for path in ("/v1/anything", "/ui/gradio_api/anything"):
        with pytest.raises(WebSocketDisconnect) as closed:
            with client.websocket_connect(path):
                pass
        assert closed.value.code == 1008, path
