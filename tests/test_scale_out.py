"""Scale out: a real `chroma run` server and a real OpenAI-compatible LLM server on 127.0.0.1."""

from __future__ import annotations


import pytest

from ingest.indexer import indexer_for
from rag.compose import App
from rag.index.embedder import FakeEmbedder
from rag.llm import FakeBackend
from rag.settings import DEFAULT_CORPUS, Settings
from tests.servers import chroma_server

QUERIES = ["When are the APEC and G20 summits held?", "特朗普何时访华？", "Track II dialogues", "核武库"]


def _app(settings, **kw):
    return App(settings, embedder=FakeEmbedder(), chat_backend=FakeBackend(), **kw)


def test_chroma_server_matches_embedded(tmp_path):
    embedded = _app(Settings(home=tmp_path / "emb", embedding_model="fake", llm_model="fake"))
    indexer_for(embedded).write([indexer_for(embedded).prepare_path(DEFAULT_CORPUS)], progress=False)
    with chroma_server(tmp_path / "server-data") as url:
        remote = _app(Settings(home=tmp_path / "srv", chroma_url=url, embedding_model="fake", llm_model="fake"))
        [rep] = indexer_for(remote).write([indexer_for(remote).prepare_path(DEFAULT_CORPUS)], progress=False)
        assert rep.status == "added" and rep.chunks == embedded.store.documents()[0].chunks
        # idempotent through the server too
        [rep2] = indexer_for(remote).write([indexer_for(remote).prepare_path(DEFAULT_CORPUS)], progress=False)
        assert rep2.status == "unchanged"
        for q in QUERIES:
            a = [(h.lang, h.paragraph, round(h.score, 4)) for h in embedded.retriever.paragraphs(q, k=5)]
            b = [(h.lang, h.paragraph, round(h.score, 4)) for h in remote.retriever.paragraphs(q, k=5)]
            assert a == b, q
        ans = remote.pipeline.answer("When are the APEC and G20 summits held?")
        assert not ans.refused and ans.citations
        # a second process-like client sees the same index (stateless app processes)
        other = _app(Settings(home=tmp_path / "srv2", chroma_url=url, embedding_model="fake", llm_model="fake"))
        assert [d.doc_id for d in other.store.documents()] == ["000_e8aec6b6a6faab82"]


def test_bad_chroma_url_is_a_clear_error(tmp_path):
    from rag.errors import ConfigError

    with pytest.raises(ConfigError, match="not a URL"):
        _app(Settings(home=tmp_path, chroma_url="nonsense", embedding_model="fake", llm_model="fake")).store


@pytest.mark.slow
def test_openai_compatible_llm_server_streaming(real_chat_backend, real_embedder, tmp_path):
    """The local GGUF behind llama.cpp's OpenAI-compatible server, asked through RAG_LLM_BASE_URL."""
    from rag.llm import RemoteBackend, build_chat_backend

    base_url = real_chat_backend.base_url  # a real HTTP server on 127.0.0.1
    assert base_url.startswith("http://127.0.0.1:")
    s = Settings(home=tmp_path, llm_base_url=base_url, llm_model="local", llm_api_key="none")
    backend = build_chat_backend(s)
    assert isinstance(backend, RemoteBackend)
    chunks = list(backend.llm.stream("Reply with the two words: hello world"))
    assert len(chunks) >= 2 and "hello" in "".join(c.content for c in chunks).lower()
    app = App(s, embedder=real_embedder, chat_backend=backend)
    indexer_for(app).write([indexer_for(app).prepare_path(DEFAULT_CORPUS)], progress=False)
    tokens = []
    final = None
    for ev in app.pipeline.stream("When is Xi Jinping expected to visit the United States?"):
        if ev.kind == "token":
            tokens.append(ev.text)
        elif ev.kind == "answer":
            final = ev.answer
    assert final is not None and tokens and "".join(tokens) == final.text  # the composed answer, streamed line by line
    assert not final.refused and "September" in final.text and final.citations


def test_many_documents_from_a_folder_cite_the_right_document(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    cities = ["Lisbon", "Oslo", "Quito", "Hanoi", "Dakar", "Perth", "Lima", "Riga"]
    for i in range(300):
        city = cities[i % len(cities)]
        (folder / f"report_{i:04d}.txt").write_text(
            f"Report {i}\n\nThe {city} office number {i} reported {i * 7} new members in spring {2000 + i % 20}.\n\n"
            f"报告{i}\n\n{i}号办事处在春季报告了{i * 7}名新成员。\n",
            encoding="utf-8",
        )
    app = _app(Settings(home=tmp_path / "home", embedding_model="fake", llm_model="fake"))
    from ingest.targets import expand_paths

    paths = expand_paths([folder])
    assert len(paths) == 300
    reports = indexer_for(app).write([indexer_for(app).prepare_path(p) for p in paths], progress=False)
    assert len(reports) == 300 and all(r.status == "added" for r in reports)
    ans = app.pipeline.answer("How many new members did the Oslo office number 137 report?")
    assert not ans.refused and ans.citations and ans.citations[0].doc == "report_0137"
    limited = app.retriever.paragraphs("office reported new members", k=5, docs=["report_0042"])
    assert limited and {h.doc for h in limited} == {"report_0042"}
