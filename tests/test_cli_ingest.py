"""The `rag` CLI as a user runs it: a subprocess with a temp data dir (fake embedder for speed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.settings import DEFAULT_CORPUS


def run(args, home: Path, extra_env=None, check=True):
    env = {**os.environ, "RAG_HOME": str(home), "RAG_EMBEDDING_MODEL": "fake", "RAG_LLM_MODEL": "fake"}
    env.update(extra_env or {})
    proc = subprocess.run([sys.executable, "-m", "rag", *args], capture_output=True, text=True, env=env, timeout=900)
    if check and proc.returncode != 0:
        raise AssertionError(f"rag {args} failed ({proc.returncode}): {proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    h = tmp_path_factory.mktemp("cli-home")
    run(["ingest"], h)
    return h


def test_ingest_summary_and_idempotence(home):
    out = run(["ingest", "--json"], home).stdout
    rep = json.loads(out.strip().splitlines()[-1])
    assert rep["status"] == "unchanged"
    assert rep["paragraphs"] == {"en": 14, "zh": 14} and rep["aligned_pairs"] == 14
    assert "unchanged, nothing to do" in run(["ingest"], home).stdout


def test_docs_lists_the_seed(home):
    out = run(["docs"], home).stdout
    assert "000_e8aec6b6a6faab82" in out and "en=14 zh=14" in out


def test_paragraphs_json(home):
    lines = [json.loads(x) for x in run(["paragraphs", "--lang", "zh", "--json"], home).stdout.splitlines()]
    assert len(lines) == 15
    assert set(lines[0]) == {"doc", "lang", "paragraph", "text", "aligned", "twins", "kind", "section", "page"}
    p1 = next(x for x in lines if x["paragraph"] == 1)
    assert "5月13日至15日" in p1["text"] and p1["aligned"] == 1 and p1["lang"] == "zh"


def test_search_json(home):
    lines = [json.loads(x) for x in run(["search", "APEC G20 summits", "--k", "3", "--json"], home).stdout.splitlines()]
    assert len(lines) == 3
    assert set(lines[0]) == {"doc", "lang", "paragraph", "score", "text"}
    assert lines[0]["paragraph"] == 3
    assert lines[0]["score"] >= lines[1]["score"] >= lines[2]["score"]


def test_missing_model_names_the_pull_command(tmp_path):
    proc = run(["search", "hello"], tmp_path, {"RAG_EMBEDDING_MODEL": "embeddinggemma-300m", "RAG_MODELS_DIR": str(tmp_path / "none")}, check=False)
    assert proc.returncode == 1
    assert "rag models pull" in proc.stderr and "Traceback" not in proc.stderr


def test_search_on_empty_index_says_ingest(tmp_path):
    proc = run(["search", "hello"], tmp_path, check=False)
    assert proc.returncode == 1 and "rag ingest" in proc.stderr


def test_rebuild(tmp_path):
    run(["ingest", str(DEFAULT_CORPUS)], tmp_path)
    out = run(["ingest", "--rebuild"], tmp_path).stdout
    assert "added" in out


def test_folder_of_1000_documents_one_at_a_time(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(1000):
        (folder / f"note_{i:04d}.txt").write_text(f"Note {i}\n\nThe depot number {i} shipped {i * 3} crates in week {i % 52}.\n", encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"")  # one bad file: nothing at all is stored
    proc = run(["ingest", str(folder)], tmp_path / "h1", check=False)
    assert proc.returncode == 1 and "bad.txt is empty" in proc.stderr
    assert "no documents yet" in run(["docs"], tmp_path / "h1").stdout
    (folder / "bad.txt").unlink()
    out = run(["ingest", str(folder), "--json"], tmp_path / "h2").stdout.strip().splitlines()
    assert len(out) == 1000 and all(json.loads(x)["status"] == "added" for x in out)
    docs = run(["docs", "--json"], tmp_path / "h2").stdout.splitlines()
    assert len(docs) == 1000
    para = [json.loads(x) for x in run(["paragraphs", "--doc", "note_0617", "--json"], tmp_path / "h2").stdout.splitlines()]
    assert para[-1]["text"] == "The depot number 617 shipped 1851 crates in week 45."


def test_rm_and_rename(tmp_path):
    """Documents a user no longer wants go, wholly; a wrong id changes nothing."""
    home = tmp_path / "home"
    note = tmp_path / "note.md"
    note.write_text("# Harbor note\n\nThe harbor opens at six in the morning and closes at nine at night.\n", encoding="utf-8")
    run(["ingest", str(DEFAULT_CORPUS), str(note)], home)
    docs = {json.loads(x)["doc"]: json.loads(x) for x in run(["docs", "--json"], home).stdout.splitlines()}
    assert set(docs) == {"000_e8aec6b6a6faab82", "note"}
    assert docs["note"]["languages"] == ["en"] and docs["note"]["ingested_at"].endswith("+00:00")

    bad = run(["rm", "note", "nope"], home, check=False)
    assert bad.returncode != 0 and "no document 'nope'; nothing was deleted" in bad.stderr
    assert "note" in run(["docs"], home).stdout

    out = run(["rename", "note", "Harbor  opening  hours"], home).stdout
    assert "note: Harbor opening hours" in out
    assert json.loads([x for x in run(["docs", "--json"], home).stdout.splitlines() if '"note"' in x][0])["title"] == "Harbor opening hours"
    assert run(["rename", "nope", "X"], home, check=False).returncode != 0
    assert "the title is empty" in run(["rename", "note", "  "], home, check=False).stderr

    assert "note: deleted" in run(["rm", "note"], home).stdout
    assert "note" not in run(["docs"], home).stdout
    hits = [json.loads(x) for x in run(["search", "harbor opens at six", "--json"], home).stdout.splitlines()]
    assert all(h["doc"] != "note" for h in hits)


def test_an_interrupted_delete_leaves_the_document_gone_and_the_next_one_finishes(fake_app, tmp_path):
    from ingest.targets import plan

    note = tmp_path / "note.md"
    note.write_text("# Harbor note\n\nThe harbor opens at six in the morning and closes at nine at night.\n", encoding="utf-8")
    fake_app.indexer.ingest(plan([note]), progress=False)
    store = fake_app.store
    chunks = store.client.get_collection(store.chunk_name)

    def left() -> int:
        return len(chunks.get(where={"doc": "note"}, include=[])["ids"])

    assert left() > 0
    store.docs_coll.delete(ids=["note"])  # a delete that stopped right after the record went
    assert "note" not in store.versions()
    assert all(h.doc != "note" for h in fake_app.retriever.paragraphs("harbor opens at six", k=5))
    assert left() > 0  # its chunks are still there, unseen
    assert store.delete_document("note") is False  # gone already; the second delete cleans up
    assert left() == 0


def test_one_file_with_an_id_and_ids_that_never_silently_collide(tmp_path):
    """`rag ingest --id abc FILE` ingests it as abc (it failed with UnboundLocalError); another file with
    a taken id is refused, naming the document that has it, until --replace (#36)."""
    home = tmp_path / "home"
    first, second = tmp_path / "a" / "bridge.md", tmp_path / "b" / "bridge.md"
    for f, year in ((first, 1932), (second, 1937)):
        f.parent.mkdir()
        f.write_text(f"# Bridge\n\nThe bridge opened in {year} and carries six lanes of traffic.\n", encoding="utf-8")
    assert json.loads(run(["ingest", "--json", "--id", "abc", str(first)], home).stdout)["doc"] == "abc"
    again = json.loads(run(["ingest", "--json", "--id", "abc", str(first)], home).stdout)
    assert again["status"] == "unchanged"  # the same file again is not a collision
    taken = run(["ingest", "--id", "abc", str(second)], home, check=False)
    assert taken.returncode == 1 and "'abc' belongs to another document (from bridge.md)" in taken.stderr
    assert "--replace" in taken.stderr
    assert json.loads(run(["ingest", "--json", "--id", "abc", "--replace", str(second)], home).stdout)["status"] == "updated"
