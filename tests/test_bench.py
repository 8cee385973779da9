"""The benchmark script runs end to end on a tiny setting (no timing assertions: benchmarks are not tests)."""

from __future__ import annotations

import json


def test_bench_runs_tiny(tmp_path):
    from bench.run import main, render, replace_section

    out = tmp_path / "bench.md"
    raw = tmp_path / "bench.json"
    main(["--tiny", "--fake", "--out", str(out), "--json", str(raw), "--label", "smoke"])
    text = out.read_text()
    assert "### smoke" in text and "retrieval at 2,000 chunks" in text and "peak RSS" in text
    assert "evidence on screen after Ask" in text and "textbook" in text  # the textbook RAG in the same run
    assert "Where an answer's time goes" in text
    data = json.loads(raw.read_text())
    assert [r["chunks"] for r in data["retrieval"]] == [1000, 2000]
    assert [r["docs"] for r in data["retrieval"]] == [10, 20] and "the named document over 20 documents" in text
    assert data["naive_answers"]["questions"] == data["answers"]["questions"] == 2
    assert data["prefill"] == {"error": "not the local model"}  # the fake model has no tokenizer
    # a later run of the same label (here without the browser) replaces its own table, keeps the others
    out.write_text("### earlier\n\nits table\n\n" + out.read_text())
    replace_section(out, render({k: v for k, v in data.items() if k not in ("ui", "evidence_browser")}, "smoke"))
    text = out.read_text()
    assert text.count("### smoke") == 1 and "### earlier" in text and "peak RSS" not in text


def test_the_dense_search_bench_runs_tiny(tmp_path):
    """Exact search against HNSW over one small index: both timed, HNSW's recall against exact."""
    from bench.dense import main

    out = tmp_path / "bench.md"
    main(["--sizes", "300", "--queries", "5", "--dim", "32", "--out", str(out)])
    text = out.read_text()
    assert "### dense search" in text and "| 300 |" in text and "HNSW recall@12" in text


def test_the_pair_ingest_bench_runs_on_a_corpus_pair(tmp_path, capsys):
    """`python -m bench.pdf_ingest --pair FOLDER/NAME`: a pair as it is, ingested and counted (fake model:
    no bare-encode timing); a pair the corpus lacks is named."""
    import shutil
    from pathlib import Path

    import pytest

    from bench.pdf_ingest import main

    (tmp_path / "notes").mkdir()
    for lang in ("en", "zh"):
        shutil.copy(Path(__file__).parent / "data" / f"fees.{lang}.md", tmp_path / "notes")
    main(["--fake", "--corpus", str(tmp_path), "--pair", "notes/fees"])
    row = json.loads(capsys.readouterr().out)
    assert row["pages"] is None and row["paragraphs"] > 4 and row["chunks"] > 2 and row["bare_encode_s"] is None
    with pytest.raises(SystemExit, match="has no pair notes/nope"):
        main(["--fake", "--corpus", str(tmp_path), "--pair", "notes/nope"])
