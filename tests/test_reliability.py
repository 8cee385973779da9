"""Crash safety, corrupted indexes, concurrency and safe serving."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ingest.indexer import indexer_for
from rag.compose import App
from rag.index.embedder import FakeEmbedder
from rag.llm import FakeBackend
from rag.settings import DEFAULT_CORPUS, Settings


def big_doc(n: int, tag: str) -> str:
    en = [f"Paragraph {i} of the English text, version {tag}, about dialogue number {i} and trust." for i in range(1, n + 1)]
    zh = [f"中文第{i}段，版本{tag}，关于第{i}次对话与互信。" for i in range(1, n + 1)]
    return "Big Test Document\n\n" + "\n\n".join(en) + "\n\n大型测试文档\n\n" + "\n\n".join(zh) + "\n"


def env_for(home: Path) -> dict:
    return {**os.environ, "RAG_HOME": str(home), "RAG_EMBEDDING_MODEL": "fake", "RAG_LLM_MODEL": "fake"}


def fake_app(home: Path) -> App:
    return App(Settings(home=home, embedding_model="fake", llm_model="fake"), embedder=FakeEmbedder(), chat_backend=FakeBackend())


def check_consistent(home: Path, path: Path) -> str:
    """The index answers, from exactly one version of the document; returns that version's tag."""
    app = fake_app(home)
    try:
        [info] = app.store.documents()
        doc = app.store.get_document(info.doc_id)
        tags = {t for t in ("v1", "v2") if f"version {t}" in doc.get("en", 1).text}
        assert len(tags) == 1
        tag = tags.pop()
        chunks = app.store.chunks()
        assert len(chunks) == info.chunks  # every chunk of the current version, nothing else
        assert all(f"version {tag}" in c.text or f"版本{tag}" in c.text or c.paragraph == 0 for c in chunks)
        hits = app.retriever.paragraphs("dialogue number 7 and trust", k=5)
        assert hits and all(f"version {tag}" in h.text or f"版本{tag}" in h.text or h.paragraph == 0 for h in hits)
        return tag
    finally:
        app.close()


@pytest.fixture(scope="module")
def ingested_v1(tmp_path_factory) -> tuple[Path, Path, float]:
    """A home holding the big document's first version, the document's path and how long its ingest
    took: each kill test copies the home (the first ingest runs once) and writes the second version
    over the same file (a document is known by its path)."""
    base = tmp_path_factory.mktemp("v1")
    home, doc = base / "home", base / "big.txt"
    doc.write_text(big_doc(400, "v1"), encoding="utf-8")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rag", "ingest", str(doc)], env=env_for(home), check=True,
                   capture_output=True, timeout=300)
    took = time.perf_counter() - start
    assert check_consistent(home, doc) == "v1"
    return home, doc, took


@pytest.mark.parametrize("share", [0.4, 0.7, 0.9])
def test_sigkill_during_reingest_leaves_old_or_new_never_a_mix(tmp_path, ingested_v1, share):
    """Killed at a share of the time a whole ingest takes on this machine (the process starts, reads,
    embeds and writes in that time): the index holds one version, and a rerun finishes the new one."""
    v1_home, doc, took = ingested_v1
    home = tmp_path / "home"
    shutil.copytree(v1_home, home)
    doc.write_text(big_doc(400, "v2"), encoding="utf-8")
    rag = [sys.executable, "-m", "rag"]
    proc = subprocess.Popen(rag + ["ingest", str(doc)], env=env_for(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(share * took)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    check_consistent(home, doc)  # old or new, whichever the kill left
    # a rerun completes the new version and clears what the killed run left behind
    subprocess.run(rag + ["ingest", str(doc)], env=env_for(home), check=True, capture_output=True, timeout=300)
    assert check_consistent(home, doc) == "v2"
    raw = fake_app(home).store.vs.get(include=["metadatas"])
    assert len({m["version"] for m in raw["metadatas"]}) == 1


def test_corrupted_index_names_the_fix_and_rebuild_recovers(tmp_path):
    home = tmp_path / "home"
    rag = [sys.executable, "-m", "rag"]
    subprocess.run(rag + ["ingest"], env=env_for(home), check=True, capture_output=True, timeout=300)
    db = home / "chroma" / "chroma.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    proc = subprocess.run(rag + ["docs"], env=env_for(home), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "rag ingest --rebuild" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run(rag + ["ingest", "--rebuild"], env=env_for(home), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    out = subprocess.run(rag + ["docs"], env=env_for(home), capture_output=True, text=True, timeout=120).stdout
    assert "en=14 zh=14" in out


def test_queries_keep_working_during_an_ingest(tmp_path):
    app = fake_app(tmp_path)
    indexer_for(app).write([indexer_for(app).prepare_path(DEFAULT_CORPUS)], progress=False)
    big = tmp_path / "big.txt"
    big.write_text(big_doc(300, "v1"), encoding="utf-8")
    errors: list[BaseException] = []
    answered = []
    done = threading.Event()

    def ask_loop():
        while not done.is_set():
            try:
                ans = app.pipeline.answer("When are the APEC and G20 summits held?")
                answered.append(ans.refused)
            except BaseException as e:  # noqa: BLE001
                errors.append(e)
                return

    t = threading.Thread(target=ask_loop)
    t.start()
    try:
        indexer_for(app).write([indexer_for(app).prepare_path(big)], progress=False)
    finally:
        done.set()
        t.join(60)
    assert not errors and answered and not any(answered)
    assert {d.doc_id for d in app.store.documents()} == {"000_e8aec6b6a6faab82", "big"}


def test_ui_holds_20_concurrent_sessions(seeded_fake_app):
    """20 clients at once for a bounded time: no errors, every answer complete and for its own question."""
    from gradio_client import Client

    from ui.local import running_ui

    questions = [
        "When are the APEC and G20 summits held?", "APEC和G20峰会在哪里举行？", "What does the article say about Track II dialogues?",
        "特朗普何时访华？", "What are confidence-building measures?",
    ]
    results: list[tuple[str, dict]] = []
    errors: list[BaseException] = []
    deadline = time.time() + 60
    with running_ui(seeded_fake_app) as url:
        def session(i: int):
            try:
                c = Client(url, verbose=False)
                for j in range(3):
                    if time.time() > deadline:
                        return
                    q = questions[(i + j) % len(questions)] + f" #{i}-{j}"
                    results.append((q, c.predict(q, "", api_name="/ask")))
            except BaseException as e:  # noqa: BLE001
                errors.append(e)

        threads = [threading.Thread(target=session, args=(i,)) for i in range(20)]
        t0 = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join(90)
        elapsed = time.time() - t0
    assert not errors, errors[:3]
    assert len(results) >= 40 and elapsed < 90
    for q, r in results:
        assert r["question"] == q  # attributed to the session that asked
        assert r["answer"] and "error" not in r


def test_safe_serving_defaults_and_password(tmp_path):
    import httpx

    from ui.local import free_port
    from ui.app import launch

    s = Settings()
    assert s.ui_host == "127.0.0.1" and s.max_upload_mb > 0
    app = App(Settings(home=tmp_path, embedding_model="fake", llm_model="fake", ui_password="s3cret"),
              embedder=FakeEmbedder(), chat_backend=FakeBackend())
    indexer_for(app).write([indexer_for(app).prepare_path(DEFAULT_CORPUS)], progress=False)
    port = free_port()
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve me")
    demo = launch(app, host="127.0.0.1", port=port, block=False)
    try:
        base = f"http://127.0.0.1:{port}"
        assert demo.share is False or demo.share is None
        r = httpx.get(f"{base}/config", timeout=10)
        assert r.status_code in (401, 403) or "login" in r.text.lower()
        for path in (f"/gradio_api/file={secret}", "/gradio_api/file=/etc/passwd", f"/file={secret}"):
            r = httpx.get(base + path, timeout=10)
            assert r.status_code >= 400 and "do not serve me" not in r.text and "root:" not in r.text
        ok = httpx.post(f"{base}/login", data={"username": "rag", "password": "s3cret"}, timeout=10)
        assert ok.status_code in (200, 302, 303)
        bad = httpx.post(f"{base}/login", data={"username": "rag", "password": "wrong"}, timeout=10)
        assert bad.status_code >= 400
    finally:
        demo.close()


REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "qwen_readme"


@pytest.mark.skipif(not REAL.exists(), reason="../shared/corpus/real is not here")
def test_the_same_question_gets_the_same_answer_in_every_process(tmp_path):
    """Retrieval ties (the README has two "OpenAI API" headings) rank the same whatever the hash seed."""
    home = tmp_path / "home"
    rag = [sys.executable, "-m", "rag"]
    subprocess.run(rag + ["ingest", "--pair", str(REAL / "README.en.md"), str(REAL / "README.zh.md"), "--id", "qwen"],
                   env=env_for(home), check=True, capture_output=True, timeout=300)
    q = "用 FastChat 部署 OpenAI 风格的 API 服务时，服务监听哪个端口？"
    outs = set()
    for seed in ("1", "2", "3", "4"):
        p = subprocess.run(rag + ["ask", q, "--json"], env={**env_for(home), "PYTHONHASHSEED": seed},
                           capture_output=True, text=True, timeout=300, check=True)
        js = json.loads(p.stdout)
        outs.add(json.dumps([js["answer"], js["retrieved"], js["citations"]], ensure_ascii=False))
    assert len(outs) == 1
