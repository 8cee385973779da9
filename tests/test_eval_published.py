"""Published runs: one file per sitting, and a run written back out as `rag eval run` wrote it."""

from __future__ import annotations

import json

import pytest

from eval.published import RUNS, add, listing, show, unreproducible
from rag.errors import InputError
from tests.test_eval_library import base, corpus, question_set  # noqa: F401  (fixtures)


def test_every_published_sitting_reads_back_and_shows(tmp_path):
    sittings = sorted(p.stem for p in RUNS.glob("*.jsonl"))
    assert {"naive", "v7", "v7final", "real-v8"} <= set(sittings)
    assert len(listing().splitlines()) >= len(sittings)
    report = show("v7final", "default/seed", tmp_path / "out")
    text = report.read_text(encoding="utf-8")
    assert "## Per category" in text and len((tmp_path / "out" / "results.jsonl").read_text().splitlines()) == 67


@pytest.fixture
def published(tmp_path, monkeypatch):
    import eval.published as published

    monkeypatch.setattr(published, "RUNS", tmp_path / "runs")
    monkeypatch.setattr(published, "REPLIES", tmp_path / "replies")
    return published


def _run_folder(d, answer: str, reply: str):
    d.mkdir(parents=True)
    (d / "results.jsonl").write_text(json.dumps({"id": "q1", "answer": answer}) + "\n")
    (d / "summary.json").write_text(json.dumps({"overall": {"pass rate": 1.0}}))
    (d / "replies.jsonl").write_text(json.dumps({"key": reply, "reply": answer}) + "\n")
    return d


def test_add_publishes_run_folders_by_their_path(tmp_path, published):
    run = _run_folder(tmp_path / "sit" / "default" / "seed", "a", "k1")
    other = _run_folder(tmp_path / "sit" / "start" / "seed", "b", "k2")
    out = add("sit", [run, other], root=tmp_path / "sit")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["run"] for r in rows] == ["default/seed", "default/seed", "start/seed", "start/seed"]
    assert published._load("sit")["default/seed"]["results"] == [{"id": "q1", "answer": "a"}]
    replies = [json.loads(line)["key"] for line in (tmp_path / "replies" / "sit.jsonl").read_text().splitlines()]
    assert replies == ["k1", "k2"]


def test_a_run_without_its_replies_or_with_a_set_outside_the_repo_is_not_published(tmp_path, published):
    run = _run_folder(tmp_path / "default", "a", "k1")
    (run / "replies.jsonl").unlink()
    with pytest.raises(InputError, match="no replies.jsonl"):
        published.add("sit", [run])
    (run / "replies.jsonl").write_text(json.dumps({"key": "k1", "reply": "a"}) + "\n")
    (run / "summary.json").write_text(json.dumps({"meta": {"set": "/tmp/somewhere/questions.jsonl"}, "overall": {}}))
    with pytest.raises(InputError, match="not in the repo"):
        published.add("sit", [run])
    assert not (tmp_path / "runs" / "sit.jsonl").exists() and not (tmp_path / "replies").exists()


def test_a_published_library_run_is_answered_again_from_the_repo_alone(base, question_set, tmp_path, published,
                                                                         monkeypatch):
    """A --split run folder publishes one run per pipeline and its replies, gzipped when large; the
    published replies answer the run again without the model."""
    from eval.split_run import run_split
    from rag.llm import FakeBackend

    summary, _ = run_split(base, "dev", question_set, tmp_path / "dev", ["full", "naive"], progress=False)
    for name in ("full", "naive"):  # as if the set were committed: the check reads the repo
        s = json.loads((tmp_path / "dev" / name / "summary.json").read_text())
        s["meta"]["set"] = "eval/sets/seed.jsonl"
        (tmp_path / "dev" / name / "summary.json").write_text(json.dumps(s))
    monkeypatch.setattr(published, "GZIP_ABOVE", 100)
    out = published.add("lib", [tmp_path / "dev"])
    assert [r["run"] for r in map(json.loads, out.read_text().splitlines()) if "summary" in r] == ["dev/full", "dev/naive"]
    replies = published.replies_of("lib")
    assert replies.name == "lib.jsonl.gz"
    other = base.sharing(chat_backend=FakeBackend(reply_fn=lambda messages: "Something else."))
    _, again = run_split(other, "dev", question_set, tmp_path / "again", ["full", "naive"], replay=replies, progress=False)
    assert [r.asked for r in again] == [0, 0] and other.chat_backend.llm.calls == []
    first = [json.loads(x)["answer"] for x in (tmp_path / "dev" / "full" / "results.jsonl").read_text().splitlines()]
    assert [r["answer"] for r in again[0].results] == first


def test_every_published_run_that_replayed_replies_has_them_in_the_repo():
    """Item 4 of #32: the sittings below replayed files that were never published (/tmp/w/replay/…);
    they are listed as such, and no further sitting may join them."""
    assert set(unreproducible()) <= {"claims-ablation", "claims-after", "claims-before", "leadins", "quantities",
                                     "stages-after", "stages-deterministic"}
    assert "replayed replies not in the repo" in listing()
