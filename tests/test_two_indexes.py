"""Two indexes in one process (#36, the test that failed depending on what ran before it).

The leak: chromadb keeps one system per index path for the life of the process (its files, threads,
memory) and hands it to every later client of that path. So every app a test made stayed open until
the run ended (about 16 file descriptors and 8 MB each: a test far into the run failed when the
process ran out), and a new index made where another had been (its folder removed or moved aside)
was served the old index's documents. An app now releases its index (`App.close`, which the tests'
fixtures call), and a new index at a known path gets a system of its own."""

from __future__ import annotations

import os
import shutil

from rag.compose import App
from rag.index.embedder import FakeEmbedder
from rag.index.store import set_aside
from tests.conftest import make_app

DOC = "000_e8aec6b6a6faab82"
NOTE = "# Harbor\n\nThe harbor reopened on 4 March after the storm, and repairs cost 2.3 million dollars.\n"


def _empty_app(settings) -> App:
    return App(settings, embedder=FakeEmbedder())


def test_a_new_index_where_another_was_starts_empty(settings):
    old = make_app(settings)
    assert DOC in old.store.versions()
    shutil.rmtree(settings.home)  # the user removes the data directory; the process goes on
    new = _empty_app(settings)
    try:
        assert new.store.versions() == {} and new.store.documents() == []
    finally:
        new.close()


def test_two_indexes_keep_their_documents_apart(settings, tmp_path):
    a = make_app(settings)
    b = _empty_app(settings.model_copy(update={"home": tmp_path / "other"}))
    try:
        note = tmp_path / "harbor.md"
        note.write_text(NOTE, encoding="utf-8")
        b.indexer.write([b.indexer.prepare_path(note)], progress=False)
        assert set(a.store.versions()) == {DOC} and set(b.store.versions()) == {"harbor"}
        assert {h.doc for h in a.retriever.paragraphs("When did the harbor reopen?", k=5)} == {DOC}
        assert {h.doc for h in b.retriever.paragraphs("When did the harbor reopen?", k=5)} == {"harbor"}
        aside = set_aside(a.settings.chroma_path)  # a's index is damaged and moved aside: b's stays open
        assert aside.exists() and set(b.store.versions()) == {"harbor"}
        again = _empty_app(b.settings)  # another app over b's index sees b's writes at once
        b.store.delete_document("harbor")
        assert again.store.versions() == {}
        again.close()
    finally:
        b.close()


def test_closing_an_app_releases_its_index(settings, tmp_path):
    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    make_app(settings).close()  # the first one loads what every later one shares
    before = open_files()
    for i in range(12):
        app = make_app(settings.model_copy(update={"home": tmp_path / f"h{i}"}))
        assert DOC in app.store.versions()
        app.close()
    assert open_files() - before < 12  # not about 16 per app
    reopened = make_app(settings.model_copy(update={"home": tmp_path / "h0"}))
    assert DOC in reopened.store.versions()  # a closed index opens again
