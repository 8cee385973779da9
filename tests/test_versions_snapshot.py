"""The process-wide snapshot of document versions: read once, read again only when the index's
revision changes, whoever changed it (another store object stands for another process)."""

from __future__ import annotations

from ingest.indexer import indexer_for
from rag.index.embedder import FakeEmbedder
from rag.index.store import ChromaStore, REVISION_ID
from tests.conftest import make_app

DOC = "000_e8aec6b6a6faab82"


def _reads(store) -> list[int]:
    """Counts every read of the whole document table."""
    calls = []
    real = store._doc_meta

    def counted():
        calls.append(1)
        return real()

    store._doc_meta = counted
    return calls


def test_versions_are_read_once_until_something_changes(settings):
    app = make_app(settings)
    reads = _reads(app.store)
    first = app.store.versions()
    for _ in range(5):
        assert app.store.versions() == first
        app.retriever.paragraphs("When are the APEC and G20 summits held?", k=3)
    assert len(reads) == 1
    assert REVISION_ID not in first and [d.doc_id for d in app.store.documents()] == [DOC]


def test_another_writer_is_seen_at_the_next_query(settings, tmp_path):
    app = make_app(settings)
    other = ChromaStore(app.client, FakeEmbedder())  # another process on the same index
    app.store.versions()
    note = tmp_path / "note.md"
    note.write_text("# Harbor\n\nThe harbor reopened on 4 March after the storm.\n", encoding="utf-8")
    doc = indexer_for(app).prepare_path(note)
    from ingest.chunk import chunk_document

    other.write_document(doc, chunk_document(doc, 900, 1))
    assert "note" in app.store.versions()
    assert any(h.doc == "note" for h in app.retriever.paragraphs("When did the harbor reopen?", k=3))
    other.rename_document(DOC, "A new title")  # same version, new title
    assert app.retriever.document(DOC).meta.title == "A new title"  # no restart needed
    other.docs_coll.delete(ids=["note"])  # a delete cut short before its new token
    assert "note" not in app.store.versions()


def test_an_index_from_before_revisions_gets_one(settings):
    app = make_app(settings)
    app.store.docs_coll.delete(ids=[REVISION_ID])
    assert app.store.revision().startswith(":")
    assert DOC in app.store.versions() and not app.store.revision().startswith(":")


def test_warm_up_loads_the_chinese_word_list(tmp_path):
    """In a fresh process (this one may have loaded jieba already): not loaded before, loaded after."""
    import os
    import subprocess
    import sys

    code = ("from rag.compose import App; from rag.text.chinese import jieba_lib; a = App(); "
            "print(jieba_lib().dt.initialized); a.warm_up(); print(jieba_lib().dt.initialized)")
    env = {**os.environ, "RAG_HOME": str(tmp_path), "RAG_EMBEDDING_MODEL": "fake", "RAG_LLM_MODEL": "fake"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "True"], out.stderr
