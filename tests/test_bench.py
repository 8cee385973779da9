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


def test_the_answer_time_bench_asks_each_question_of_both_pipelines(tmp_path, capsys):
    """`python -m bench.answer_time`: both pipelines per question over a pair's library (fake models), a
    section written beside the others; a pair the corpus lacks is named."""
    import shutil
    from pathlib import Path

    import pytest

    from bench.answer_time import main

    corpus = tmp_path / "corpus"
    (corpus / "notes").mkdir(parents=True)
    for lang in ("en", "zh"):
        shutil.copy(Path(__file__).parent / "data" / f"fees.{lang}.md", corpus / "notes")
    questions = tmp_path / "set.jsonl"
    asked = [{"id": f"q{i}", "pair": "notes/fees", "question": q} for i, q in enumerate(
        ["How much is the late fee?", "滞纳金是多少？", "When is the fee due?"])]
    questions.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in asked) + "\n")
    out = tmp_path / "bench.md"
    out.write_text("# Benchmarks\n\n### another section\n\nkept\n")
    main(["--fake", "--corpus", str(corpus), "--pair", "notes/fees", "--set", str(questions), "--limit", "2", "--out", str(out)])
    r = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert r["questions"] == 2 and r["select_s"]["p50"] > 0 and r["naive_s"]["p50"] > 0 and r["ratio_p50"] > 0
    text = out.read_text()
    assert "### another section" in text and "### answer time, dev split, question by question (current)" in text
    with pytest.raises(SystemExit, match="has no pair notes/nope"):
        main(["--fake", "--corpus", str(corpus), "--pair", "notes/nope", "--out", str(out)])
