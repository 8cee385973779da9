"""Ingest into a real Chroma in a temp dir (fake embedder: fast, deterministic)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.indexer import indexer_for, ingest_lock
from rag.errors import DocumentError, IndexBusyError
from rag.settings import DEFAULT_CORPUS


def _ingest(app, path: Path):
    return indexer_for(app).write([indexer_for(app).prepare_path(path)], progress=False)


def test_seed_ingest_stores_paragraphs_and_chunks(seeded_fake_app):
    store = seeded_fake_app.store
    [info] = store.documents()
    assert (info.n_en, info.n_zh, info.pairs) == (14, 14, 14)
    doc = store.get_document(info.doc_id)
    assert doc.meta.date == "June 22, 2026"
    chunks = store.chunks()
    assert len(chunks) == info.chunks
    assert {c.lang for c in chunks} == {"en", "zh"}
    assert {(c.lang, c.paragraph) for c in chunks} == {(p.lang, p.n) for p in doc.paragraphs}


def test_reingest_unchanged_does_nothing(seeded_fake_app):
    before = seeded_fake_app.store.chunks()
    calls = seeded_fake_app.embedder.calls
    [report] = _ingest(seeded_fake_app, DEFAULT_CORPUS)
    assert report.status == "unchanged"
    assert seeded_fake_app.embedder.calls == calls  # not even embedded again
    assert sorted(c.chunk_id for c in seeded_fake_app.store.chunks()) == sorted(c.chunk_id for c in before)


def test_changed_document_replaces_its_chunks(fake_app, tmp_path, seed_text):
    path = tmp_path / "article.txt"
    path.write_text(seed_text, encoding="utf-8")
    _ingest(fake_app, path)
    old_version = fake_app.store.versions()["article"]
    path.write_text(seed_text.replace("Since last autumn", "Since last winter"), encoding="utf-8")
    [report] = _ingest(fake_app, path)
    assert report.status == "updated"
    chunks = fake_app.store.chunks()
    assert any("Since last winter" in c.text for c in chunks)
    assert not any("Since last autumn" in c.text for c in chunks)
    # nothing of the old version is left in the collection at all
    raw = fake_app.store.vs.get(include=["metadatas"])
    assert all(m["version"] != old_version for m in raw["metadatas"])


def test_rerun_clears_chunks_a_write_killed_after_its_flip_left(fake_app, tmp_path, seed_text, monkeypatch):
    """Killed between the flip and the clean-up: the rerun finds the file unchanged and still clears."""
    path = tmp_path / "article.txt"
    path.write_text(seed_text, encoding="utf-8")
    _ingest(fake_app, path)
    old_version = fake_app.store.versions()["article"]
    path.write_text(seed_text.replace("Since last autumn", "Since last winter"), encoding="utf-8")
    with monkeypatch.context() as m:
        m.setattr(type(fake_app.store), "drop_stale", lambda self, doc_id, version: None)
        _ingest(fake_app, path)  # the "kill": old chunks stay
    raw = fake_app.store.vs.get(include=["metadatas"])
    assert any(m["version"] == old_version for m in raw["metadatas"])
    [report] = _ingest(fake_app, path)
    assert report.status == "unchanged"
    raw = fake_app.store.vs.get(include=["metadatas"])
    assert {m["version"] for m in raw["metadatas"]} == {fake_app.store.versions()["article"]}


def test_queries_only_see_the_current_version(fake_app, tmp_path, seed_text):
    """Chunks of a new version written but not yet flipped are invisible (crash between the steps)."""
    from ingest.align import align
    from ingest.chunk import chunk_document
    from ingest.parse import parse_text

    path = tmp_path / "article.txt"
    path.write_text(seed_text, encoding="utf-8")
    _ingest(fake_app, path)
    new = align(parse_text(seed_text.replace("autumn", "winter"), "article", str(path)))
    chunks = chunk_document(new, 900)
    fake_app.store.vs.add_texts([c.text for c in chunks], metadatas=[c.metadata() for c in chunks], ids=[c.id for c in chunks])
    texts = [c.text for c in fake_app.store.chunks()]
    assert any("autumn" in t for t in texts) and not any("winter" in t for t in texts)
    hits = fake_app.retriever.paragraphs("Since last winter", k=30)
    assert not any("winter" in h.text for h in hits)


def test_rebuild_starts_clean(seeded_fake_app):
    seeded_fake_app.store.reset()
    assert seeded_fake_app.store.documents() == []
    assert seeded_fake_app.store.chunks() == []


def test_one_collection_per_embedding_model(seeded_fake_app):
    from rag.index.embedder import FakeEmbedder
    from rag.index.store import ChromaStore

    other = ChromaStore(seeded_fake_app.client, FakeEmbedder(name="another-model"))
    assert other.chunk_name != seeded_fake_app.store.chunk_name
    assert other.documents() == [] and seeded_fake_app.store.documents() != []


@pytest.mark.parametrize(
    "name, data, msg",
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n \t\n", "empty"),
        ("binary.txt", bytes(range(256)) * 8, "binary"),
        ("undecodable.txt", b"\x80\x80 some words \x80\xff" * 20, "not UTF-8, GB18030 or Big5"),
        ("utf16-garbage.txt", b"\xff\xfe" + b"\xfa\xfb" * 50, "not in English or Chinese"),
        ("flat.txt", b"one line of text without a break\n" * 40, "no paragraph breaks"),
        ("russian.txt", "Это текст на русском языке.\n\nВторой абзац.".encode(), "not in English or Chinese"),
        ("image.png", b"\x89PNG\r\n", "unsupported file type"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(seeded_fake_app, tmp_path, name, data, msg):
    before = seeded_fake_app.store.versions()
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(DocumentError, match=msg):
        indexer_for(seeded_fake_app).prepare_path(path)
    assert seeded_fake_app.store.versions() == before


def test_missing_file(fake_app, tmp_path):
    with pytest.raises(DocumentError, match="no such file"):
        indexer_for(fake_app).prepare_path(tmp_path / "nope.txt")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "big5"])
def test_encodings(fake_app, tmp_path, encoding):
    text = "中美關係新變化\n\n去年秋季以來，中美關係逐步趨向穩定，開始出現良性互動勢頭。\n\n今年九月，兩國元首將再次會晤，雙方將擴大交流與合作。"
    if encoding == "gb18030":
        text = "中美关系新变化\n\n去年秋季以来，中美关系逐步趋向稳定，开始出现良性互动势头。\n\n今年九月，两国元首将再次会晤，双方将扩大交流与合作。"
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    doc = indexer_for(fake_app).prepare_path(path)
    assert doc.get("zh", 1).text == text.split("\n\n")[1]


def test_pair_of_files(fake_app, tmp_path, seed_text):
    from ingest.parse import parse_text

    doc = parse_text(seed_text, "s", "s")
    en_text = "\n\n".join(p.text for p in doc.by_lang("en"))
    zh_text = "\n\n".join(p.text for p in doc.by_lang("zh"))
    (tmp_path / "art_en.txt").write_text(en_text, encoding="utf-8")
    (tmp_path / "art_zh.txt").write_text(zh_text, encoding="utf-8")
    merged = indexer_for(fake_app).prepare_pair(tmp_path / "art_en.txt", tmp_path / "art_zh.txt")
    assert merged.doc_id == "art"
    assert merged.body_count("en") == 14 and merged.body_count("zh") == 14
    assert len(merged.alignment) == 15


def test_second_ingest_is_refused_while_one_runs(tmp_path):
    with ingest_lock(tmp_path):
        with pytest.raises(IndexBusyError):
            with ingest_lock(tmp_path):
                pass
    with ingest_lock(tmp_path):  # released afterwards
        pass


def test_a_writer_can_wait_for_a_running_ingest(tmp_path):
    import threading
    import time

    held, waited = threading.Event(), []

    def hold(seconds):
        with ingest_lock(tmp_path):
            held.set()
            time.sleep(seconds)

    t = threading.Thread(target=hold, args=(0.6,))
    t.start()
    held.wait()
    with ingest_lock(tmp_path, wait_s=10, on_wait=lambda: waited.append(1)):
        pass  # got it once the other writer finished
    t.join()
    assert waited == [1]  # told once that it waits
    held.clear()
    t = threading.Thread(target=hold, args=(2.0,))
    t.start()
    held.wait()
    with pytest.raises(IndexBusyError):
        with ingest_lock(tmp_path, wait_s=0.3):
            pass
    t.join()


REQUIREMENTS_DOC = """# Setup

## Requirements

- python 3.8 and above
- a recent compiler

## Usage

Call the tool with a file name.
"""


def test_chunks_are_embedded_under_their_heading_path(fake_app, tmp_path):
    """A list item says what it is about only through its heading: its vector is read under its heading
    path (``Chunk.title``), and the alignment's vectors are the same ones (embedded once)."""
    path = tmp_path / "setup.md"
    path.write_text(REQUIREMENTS_DOC, encoding="utf-8")
    doc = indexer_for(fake_app).prepare_path(path)
    item = next(p for p in doc.paragraphs if "python" in p.text)
    from ingest.chunk import chunk_document

    [chunk] = [c for c in chunk_document(doc, 900) if c.paragraph == item.n]
    assert chunk.title == "Setup › Requirements"
    _ingest(fake_app, path)
    for mode in ("dense", "bm25"):  # the lexical index reads the heading words too
        hits = fake_app.sharing(fake_app.settings.model_copy(update={"retrieval_mode": mode})).retriever.paragraphs(
            "setup requirements", k=0)
        items = [h.text for h in hits if h.text in ("python 3.8 and above", "a recent compiler", "Call the tool with a file name.")]
        assert set(items[:2]) == {"python 3.8 and above", "a recent compiler"}, mode  # the Usage line last
    plain = fake_app.embedder.embed_documents(["python 3.8 and above"])[0]
    titled = fake_app.embedder.embed_titled(["python 3.8 and above"], ["Setup › Requirements"])[0]
    assert plain != titled


def test_an_older_index_is_embedded_again(fake_app, tmp_path, monkeypatch):
    """The chunk format is part of every version: a document stored by an older release (vectors read
    without their headings) is embedded again by the next ingest, not skipped as unchanged."""
    import ingest.parse

    path = tmp_path / "setup.md"
    path.write_text(REQUIREMENTS_DOC, encoding="utf-8")
    monkeypatch.setattr(ingest.parse, "CHUNK_FORMAT", "1")
    _ingest(fake_app, path)
    [before] = fake_app.store.documents()
    monkeypatch.setattr(ingest.parse, "CHUNK_FORMAT", "2")
    [new] = _ingest(fake_app, path)
    assert new.status == "updated"
    [after] = fake_app.store.documents()
    assert after.version != before.version
    assert {c.chunk_id.split(":")[1] for c in fake_app.store.chunks()} == {after.version[:12]}  # the old vectors are gone


REQUIREMENTS_ZH = """# 安装

## 环境要求

- python 3.8 及以上版本
- 较新的编译器

## 用法

用文件名调用这个工具。
"""


def test_each_chunk_is_embedded_once(fake_app, tmp_path):
    """The alignment and the store read the same vectors, titled or not: an ingest encodes each distinct
    chunk input once (the embedder's cache serves the second read)."""
    encoded: list[str] = []
    emb = fake_app.embedder
    for name in ("_encode_documents", "_encode_inputs"):
        real = getattr(emb, name)
        setattr(emb, name, lambda texts, real=real: encoded.extend(texts) or real(texts))
    (tmp_path / "setup.en.md").write_text(REQUIREMENTS_DOC, encoding="utf-8")
    (tmp_path / "setup.zh.md").write_text(REQUIREMENTS_ZH, encoding="utf-8")
    for path in (DEFAULT_CORPUS, tmp_path / "setup.en.md"):
        encoded.clear()
        if path == DEFAULT_CORPUS:
            _ingest(fake_app, path)
        else:
            indexer_for(fake_app).write([indexer_for(fake_app).prepare_pair(path, tmp_path / "setup.zh.md")], progress=False)
        doc_id = sorted(fake_app.store.documents(), key=lambda d: d.ingested_at)[-1].doc_id
        chunks = [c for c in fake_app.store.chunks([doc_id])]
        assert len(encoded) == len(set(encoded)) <= len(chunks), path


def test_one_indexer_per_app_made_again_over_a_new_store(fake_app):
    """`indexer_for` (what `App.indexer` was): one per app, also when threads ask at once; another
    app has its own; after the app closes its index the next one writes to the store opened again."""
    from concurrent.futures import ThreadPoolExecutor

    first = indexer_for(fake_app)
    assert first.store is fake_app.store and first.embedder is fake_app.embedder and first.sources is fake_app.sources
    with ThreadPoolExecutor(8) as pool:
        assert set(map(id, pool.map(lambda _: indexer_for(fake_app), range(32)))) == {id(first)}
    assert indexer_for(fake_app.sharing()) is not first
    fake_app.close()
    again = indexer_for(fake_app)
    assert again is not first and again.store is fake_app.store and indexer_for(fake_app) is again
    [rep] = _ingest(fake_app, DEFAULT_CORPUS)
    assert rep.status == "added" and [d.doc_id for d in fake_app.store.documents()] == [rep.doc_id]


def test_reading_a_document_opens_the_index_without_the_vector_store_wrapper(seeded_fake_app, settings):
    """`rag diff` and `rag docs` read documents only: a new process that opens the index and reads one
    does not import LangChain's Chroma wrapper (a third of a second of every cold command)."""
    import subprocess
    import sys

    doc = next(iter(seeded_fake_app.store.versions()))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from rag.compose import App\n"
        "from rag.index.embedder import FakeEmbedder\n"
        "from rag.settings import Settings\n"
        f"app = App(Settings(home=Path({str(settings.home)!r}), embedding_model='fake', llm_model='fake'), embedder=FakeEmbedder())\n"
        f"assert app.store.get_document({doc!r}) is not None\n"
        "print('langchain_chroma' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
    assert seeded_fake_app.store.vs.get(limit=1)["ids"]  # the wrapper, made at its first use, reads the chunks


def _recording_embedder():
    """The fake embedder, keeping the batches it is given."""
    from rag.index.embedder import FakeEmbedder

    class Recording(FakeEmbedder):
        def __init__(self) -> None:
            super().__init__()
            self.batches: list[list[str]] = []

        def _encode_documents(self, texts):
            self.batches.append(list(texts))
            return super()._encode_documents(texts)

    return Recording()


def test_the_embedder_batches_texts_of_about_one_length_and_keeps_their_order():
    """A batch is padded to its longest text, so texts go to the model longest first (a 30-page PDF
    pair embedded in document order took 1.7× as long as the same texts sorted by length)."""
    from rag.index.embedder import FakeEmbedder

    e = _recording_embedder()
    e.batch_size = 2
    texts = ["a", "a much longer text than the others", "bbbb", "a text of middling size", "ccccccc"]
    assert e.embed_documents(texts) == FakeEmbedder().embed_documents(texts)  # each vector in its place
    assert [len(t) for b in e.batches for t in b] == sorted(map(len, texts), reverse=True)


def test_a_batch_holds_at_most_its_token_budget_padded():
    """A long paragraph goes alone rather than padding fifteen short list items to its length."""
    from rag.index.embedder import FakeEmbedder

    e = _recording_embedder()
    e.batch_tokens = 100  # FakeEmbedder counts a token per three characters
    texts = ["x" * 270] + [f"item {i:02d}" for i in range(15)]  # 91 tokens, then fifteen of 3
    assert e.embed_documents(texts) == FakeEmbedder().embed_documents(texts)
    assert [len(b) for b in e.batches] == [1, 15]
    e.batches.clear()
    e.batch_size = 4
    e.embed_documents([f"other {i:02d}" for i in range(10)])
    assert [len(b) for b in e.batches] == [4, 4, 2]


def test_a_batch_budget_below_one_token_is_a_bad_setting():
    from pydantic import ValidationError

    from rag.settings import Settings

    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        Settings(embedding_batch_tokens=0)
