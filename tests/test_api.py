"""The HTTP API through FastAPI's test client (fake models, a temp data dir, the sample ingested), and
`rag serve` as a real process on loopback through httpx."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest
from fastapi.testclient import TestClient

from rag.errors import ConfigError
from ui.server.api import create_api
from ui.server.guard import RateLimiter, check_bind
from tests.conftest import make_app
from tests.servers import rag_serve

ASK_KEYS = {"question", "answer", "answer_language", "refused", "citations", "retrieved", "timings_ms",
            "decided_by", "checks", "standalone_question", "evidence"}
EN_MD = "# Widgets\n\nThe widget ships in three sizes: small, medium and large.\n\nEach size has its own price list.\n"
ZH_MD = "# 小部件\n\n小部件有三种尺寸：小号、中号和大号。\n\n每种尺寸都有自己的价目表。\n"


@pytest.fixture
def app(settings):
    return make_app(settings)


@pytest.fixture
def client(app):
    return TestClient(create_api(app))


def _events(text: str) -> list[tuple[str, dict]]:
    out = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        out.append((lines["event"], json.loads(lines["data"])))
    return out


def test_ask_answers_with_the_cli_contract(client):
    r = client.post("/v1/ask", json={"question": "When are the APEC and G20 summits held?"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == ASK_KEYS and body["citations"][0]["paragraph"] == 3


def test_ask_streams_tokens_then_the_checked_answer(client):
    r = client.post("/v1/ask", json={"question": "APEC和G20峰会在哪里举行？"}, headers={"accept": "text/event-stream"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = _events(r.text)
    kinds = [k for k, _ in events]
    assert kinds[-1] == "answer" and "token" in kinds and kinds.index("token") < len(kinds) - 1
    assert kinds.index("evidence") < kinds.index("token")  # the candidate units before the answer's first word
    assert events[kinds.index("evidence")][1]["evidence"][0]["lang"] == "zh"
    assert set(events[-1][1]) == ASK_KEYS and events[-1][1]["answer_language"] == "zh"


def test_a_kept_conversation_gives_the_follow_up_its_history(client, app):
    first = client.post("/v1/ask", json={"question": "What does the article say about Track II dialogues?",
                                         "conversation": "new"}).json()
    cid = first["conversation"]
    second = client.post("/v1/ask", json={"question": "And what about them in the nuclear field?", "conversation": cid})
    assert second.json()["conversation"] == cid
    conv = client.get(f"/v1/conversations/{cid}").json()
    assert [m["n"] for m in conv["messages"]] == [1, 2]
    assert [c["id"] for c in client.get("/v1/conversations").json()] == [cid]
    md = client.get(f"/v1/conversations/{cid}/export")
    assert md.headers["content-type"].startswith("text/markdown") and "[^1]: **" in md.text
    page = client.get(f"/v1/conversations/{cid}/export", params={"format": "html", "turn": 1})
    assert '<section class="footnotes">' in page.text and "attachment" in page.headers["content-disposition"]
    assert client.delete(f"/v1/conversations/{cid}").json() == {"deleted": cid}
    assert client.get(f"/v1/conversations/{cid}").status_code == 404


def test_documents_and_paragraphs(client, app):
    [doc] = client.get("/v1/documents").json()
    assert doc["doc"] == "000_e8aec6b6a6faab82" and doc["languages"] == ["en", "zh"]
    paras = client.get(f"/v1/documents/{doc['doc']}/paragraphs", params={"lang": "zh"}).json()
    assert paras and {p["lang"] for p in paras} == {"zh"} and any(p["aligned"] is not None for p in paras)


def test_upload_a_pair_then_delete_it(client, app):
    files = {"en_file": ("widgets.en.md", EN_MD.encode()), "zh_file": ("widgets.zh.md", ZH_MD.encode())}
    r = client.post("/v1/documents", files=files)
    assert r.status_code == 201, r.text
    [rep] = r.json()
    assert rep["doc"] == "widgets" and rep["status"] == "added"
    assert "widgets" in {d["doc"] for d in client.get("/v1/documents").json()}
    ans = client.post("/v1/ask", json={"question": "What sizes does the widget ship in?", "docs": ["widgets"]}).json()
    assert {c["doc"] for c in ans["citations"]} == {"widgets"}
    assert client.delete("/v1/documents/widgets").json() == {"deleted": "widgets"}
    assert "widgets" not in {d["doc"] for d in client.get("/v1/documents").json()}
    assert list(app.settings.uploads_path.glob("api/*")) == []  # the upload's files are not kept


@pytest.mark.parametrize(("method", "path", "kwargs", "code"), [
    ("delete", "/v1/documents/nope", {}, 404),
    ("get", "/v1/documents/nope/paragraphs", {}, 404),
    ("get", "/v1/documents/000_e8aec6b6a6faab82/paragraphs", {"params": {"lang": "fr"}}, 400),
    ("post", "/v1/ask", {"json": {"question": "When?", "docs": ["nope"]}}, 404),
    ("post", "/v1/ask", {"json": {"q": "When?"}}, 422),
    ("post", "/v1/ask", {"json": {"question": "When?", "lang": "fr"}}, 422),
    ("post", "/v1/ask", {"content": b"{not json", "headers": {"content-type": "application/json"}}, 422),
    ("post", "/v1/ask", {"json": {"question": "x" * 70_000}}, 413),
    ("post", "/v1/ask", {"json": {"question": "   "}}, 400),
    ("post", "/v1/ask", {"json": {"question": "When?", "conversation": "nope"}}, 404),
    ("post", "/v1/documents", {"files": {"file": ("a.exe", b"MZ\x00\x01")}}, 400),
    ("post", "/v1/documents", {"files": {"en_file": ("a.en.md", EN_MD.encode())}}, 400),
    ("post", "/v1/documents", {"files": {"file": ("a.md", EN_MD.encode())}, "data": {"doc": "../x"}}, 400),
    ("post", "/v1/chat/completions", {"json": {"messages": []}}, 422),
    ("post", "/v1/chat/completions", {"json": {"messages": [{"role": "assistant", "content": "hi"}]}}, 400),
    ("get", "/v1/conversations/nope/export", {}, 404),
])
def test_bad_requests_get_a_clear_4xx_and_change_nothing(client, app, method, path, kwargs, code):
    before = (app.store.versions(), app.conversations.list())
    r = getattr(client, method)(path, **kwargs)
    assert r.status_code == code, r.text
    assert r.json()["detail"]
    assert (app.store.versions(), app.conversations.list()) == before


def test_an_oversized_upload_is_413_and_stores_nothing(settings):
    settings.max_upload_mb = 0.001  # about 1 KB
    app = make_app(settings)
    client = TestClient(create_api(app))
    before = app.store.versions()
    r = client.post("/v1/documents", files={"file": ("big.md", ("# Big\n\n" + "word " * 400).encode())})
    assert r.status_code == 413 and "limit" in r.json()["detail"]
    assert app.store.versions() == before


def test_a_token_is_required_when_set(settings):
    settings.api_token = "s3cret"
    app = make_app(settings)
    client = TestClient(create_api(app))
    for headers in ({}, {"authorization": "Bearer wrong"}, {"authorization": "s3cret"}):
        r = client.delete("/v1/documents/000_e8aec6b6a6faab82", headers=headers)
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert app.store.versions()  # nothing deleted
    ok = client.get("/v1/documents", headers={"authorization": "Bearer s3cret"})
    assert ok.status_code == 200 and len(ok.json()) == 1


def test_requests_over_the_rate_are_429_with_retry_after(settings):
    settings.api_rate_per_minute = 3
    client = TestClient(create_api(make_app(settings)))
    codes = [client.get("/v1/documents").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/v1/documents")
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 60


def test_rate_limiter_window_slides():
    lim = RateLimiter(2)
    assert [lim.retry_after("a", t) for t in (0.0, 1.0, 2.0)] == [0.0, 0.0, 58.0]
    assert lim.retry_after("b", 2.0) == 0.0  # per address
    assert lim.retry_after("a", 60.5) == 0.0  # the first request left the window


def test_serving_beyond_loopback_needs_a_token():
    with pytest.raises(ConfigError) as err:
        check_bind("0.0.0.0", None)
    assert "RAG_API_TOKEN" in err.value.user_message()
    for host in ("127.0.0.1", "localhost", "::1"):
        check_bind(host, None)
    check_bind("0.0.0.0", "t")


def test_openai_chat_completions(client):
    msgs = [{"role": "system", "content": "be brief"},
            {"role": "user", "content": [{"type": "text", "text": "When are the APEC and G20 summits held?"}]}]
    r = client.post("/v1/chat/completions", json={"model": "anything", "messages": msgs, "temperature": 0.2})
    assert r.status_code == 200, r.text
    body = r.json()
    content = body["choices"][0]["message"]["content"]
    assert body["object"] == "chat.completion" and "\n\nSources:\n[EN ¶3]" in content
    assert body["citations"] and body["rag"]["citations"][0]["paragraph"] == 3
    s = client.post("/v1/chat/completions", json={"messages": msgs, "stream": True})
    lines = [ln[6:] for ln in s.text.split("\n\n") if ln.startswith("data: ")]
    assert lines[-1] == "[DONE]"
    chunks = [json.loads(x) for x in lines[:-1]]
    assert "".join(c["choices"][0]["delta"].get("content", "") for c in chunks) == content
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert client.get("/v1/models").json()["data"][0]["id"] == "bilingual-rag"


def test_rag_serve_on_loopback_through_httpx(tmp_path):
    env = {**os.environ, "RAG_HOME": str(tmp_path), "RAG_EMBEDDING_MODEL": "fake", "RAG_LLM_MODEL": "fake"}
    assert subprocess.run([sys.executable, "-m", "rag", "ingest"], env=env, capture_output=True, timeout=300).returncode == 0
    auth = {"authorization": "Bearer tok"}
    with rag_serve(tmp_path, RAG_API_TOKEN="tok") as url:
        assert httpx.get(f"{url}/v1/documents").status_code == 401
        assert httpx.get(f"{url}/v1/documents", headers=auth).json()[0]["doc"] == "000_e8aec6b6a6faab82"
        ans = httpx.post(f"{url}/v1/ask", json={"question": "APEC和G20峰会在哪里举行？"}, headers=auth, timeout=60).json()
        assert set(ans) == ASK_KEYS and ans["citations"]
        with httpx.stream("POST", f"{url}/v1/ask", json={"question": "When are the APEC and G20 summits held?"},
                          headers=auth | {"accept": "text/event-stream"}, timeout=60) as r:
            events = _events(r.read().decode())
        assert events[-1][0] == "answer" and events[0][0] in ("status", "token")
        assert httpx.get(f"{url}/docs").status_code == 401 and httpx.get(f"{url}/docs", headers=auth).status_code == 200
        _an_openai_client_asks(url)
        ui = httpx.get(f"{url}/", follow_redirects=True)
        assert ui.status_code == 200 and str(ui.url).startswith(f"{url}/ui")


def _an_openai_client_asks(url: str) -> None:
    """The `openai` package (an existing chat client's library) against /v1: plain and streamed."""
    from openai import OpenAI

    client = OpenAI(base_url=f"{url}/v1", api_key="tok")
    assert [m.id for m in client.models.list()] == ["bilingual-rag"]
    msgs = [{"role": "user", "content": "When are the APEC and G20 summits held?"}]
    reply = client.chat.completions.create(model="bilingual-rag", messages=msgs)
    content = reply.choices[0].message.content
    assert "Sources:\n[EN ¶3]" in content and reply.model_extra["rag"]["citations"]
    streamed = "".join(c.choices[0].delta.content or "" for c in client.chat.completions.create(
        model="bilingual-rag", messages=msgs, stream=True))
    assert streamed == content


def test_rag_serve_refuses_another_address_without_a_token(tmp_path):
    env = {**os.environ, "RAG_HOME": str(tmp_path), "RAG_EMBEDDING_MODEL": "fake", "RAG_LLM_MODEL": "fake"}
    env.pop("RAG_API_TOKEN", None)
    p = subprocess.run([sys.executable, "-m", "rag", "serve", "--host", "0.0.0.0", "--port", "1"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and "RAG_API_TOKEN" in p.stderr
