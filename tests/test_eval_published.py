"""Published runs: one file per sitting, and a run written back out as `rag eval run` wrote it."""

from __future__ import annotations

import json

from eval.published import RUNS, add, listing, show


def test_every_published_sitting_reads_back_and_shows(tmp_path):
    sittings = sorted(p.stem for p in RUNS.glob("*.jsonl"))
    assert {"naive", "v7", "v7final", "real-v8"} <= set(sittings)
    assert len(listing().splitlines()) >= len(sittings)
    report = show("v7final", "default/seed", tmp_path / "out")
    text = report.read_text(encoding="utf-8")
    assert "## Per category" in text and len((tmp_path / "out" / "results.jsonl").read_text().splitlines()) == 67


def test_add_publishes_run_folders_by_their_path(tmp_path, monkeypatch):
    import eval.published as published

    monkeypatch.setattr(published, "RUNS", tmp_path / "runs")
    run = tmp_path / "sit" / "default" / "seed"
    run.mkdir(parents=True)
    (run / "results.jsonl").write_text(json.dumps({"id": "q1", "answer": "a"}) + "\n")
    (run / "summary.json").write_text(json.dumps({"overall": {"pass rate": 1.0}}))
    other = tmp_path / "sit" / "start" / "seed"
    other.mkdir(parents=True)
    (other / "results.jsonl").write_text(json.dumps({"id": "q1", "answer": "b"}) + "\n")
    out = add("sit", [run, other], root=tmp_path / "sit")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["run"] for r in rows] == ["default/seed", "default/seed", "start/seed", "start/seed"]
    assert published._load("sit")["default/seed"]["results"] == [{"id": "q1", "answer": "a"}]
