"""`rag eval run --split`: one cached library per split (real Chroma in a temp folder, the fake models),
every question asked of all of it, several pipelines in one report, and the run answered again from
the replies it recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.library import code_version, library_home, open_library, plan
from eval.real_corpus import split_pairs
from eval.split_run import run_split
from rag.errors import InputError
from tests.test_eval_corpus import write_corpus

QUESTIONS = [
    {"id": "a-port", "pair": "alpha/faq", "question": "Which port does Alpha listen on by default?", "category": "en_en",
     "kind": "number", "answerable": True, "gold_text": ["port 8000"], "keywords": [["8000"]], "answer_lang": "en"},
    {"id": "a-year", "pair": "alpha/faq", "question": "Alpha 是哪一年发布的？", "category": "zh_zh", "kind": "number",
     "answerable": True, "gold_text": ["2019"], "keywords": [["2019"]], "answer_lang": "zh"},
    {"id": "b-lang", "pair": "beta/faq", "question": "Beta 以什麼語言撰寫？", "category": "zh_hant", "kind": "name",
     "answerable": True, "gold_text": ["Rust"], "keywords": [["Rust"]], "answer_lang": "zh-Hant"},
    {"id": "b-none", "pair": "beta/faq", "question": "Who founded the company that makes Beta?", "category": "unanswerable",
     "kind": "unanswerable", "answerable": False, "gold_text": [], "keywords": [], "answer_lang": "en"},
]


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "corpus")


@pytest.fixture
def base(settings, corpus, tmp_path):
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend

    s = settings.model_copy(update={"eval_corpus": corpus, "eval_home": tmp_path / "evalruns"})
    return App(s, embedder=FakeEmbedder(), chat_backend=FakeBackend())


@pytest.fixture
def question_set(tmp_path) -> Path:
    path = tmp_path / "corpus-dev.jsonl"
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QUESTIONS), encoding="utf-8")
    return path


def _open(base, home):
    return open_library(base, split_pairs("dev", base.settings.eval_corpus), home, progress=False)


def test_the_library_is_reused_while_files_code_and_settings_stay_the_same(base, corpus, tmp_path, monkeypatch):
    home = tmp_path / "lib"
    app, lib = _open(base, home)
    assert (lib.status, set(app.store.versions())) == ("built", {"alpha.faq", "beta.faq"})
    versions = dict(app.store.versions())
    app, again = _open(base, home)
    assert again.status == "reused" and again.key == lib.key and dict(app.store.versions()) == versions
    (corpus / "beta/faq.en.md").write_text("# Beta FAQ\n\nBeta listens on port 9200 by default.\n\nBeta is written in Rust.\n")
    app, changed = _open(base, home)
    assert changed.status == "updated" and changed.key.files != lib.key.files and changed.key.code == lib.key.code
    now = dict(app.store.versions())
    assert now["alpha.faq"] == versions["alpha.faq"] and now["beta.faq"] != versions["beta.faq"]
    monkeypatch.setattr("eval.library.code_version", lambda: "another ingest")
    app, rebuilt = _open(base, home)
    assert rebuilt.status == "built" and "ingest code changed" in rebuilt.reason
    assert set(app.store.versions()) == {"alpha.faq", "beta.faq"}
    other = base.sharing(base.settings.model_copy(update={"chunk_chars": 400}))
    assert _open(other, home)[1].status == "built"


def test_an_unfinished_build_is_continued_and_a_foreign_folder_is_left_alone(base, tmp_path):
    home = tmp_path / "lib"
    _, lib = _open(base, home)
    stamp = json.loads((home / "library.json").read_text())
    (home / "library.json").write_text(json.dumps({**stamp, "complete": False}))
    assert plan(home, lib.key)[0] == "updated"
    foreign = tmp_path / "someone-elses"
    (foreign / "chroma").mkdir(parents=True)
    with pytest.raises(InputError, match="not a library"):
        _open(base, foreign)
    assert (foreign / "chroma").is_dir()


def test_the_code_version_reads_every_ingest_file(tmp_path):
    (tmp_path / "ingest").mkdir()
    (tmp_path / "ingest" / "a.py").write_text("x = 1\n")
    (tmp_path / "rag").mkdir()
    (tmp_path / "rag" / "types.py").write_text("T = 1\n")
    parts = ("ingest", "rag/types.py")
    first = code_version(tmp_path, parts)
    (tmp_path / "ingest" / "__pycache__").mkdir()
    (tmp_path / "ingest" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert code_version(tmp_path, parts) == first  # caches are not code
    (tmp_path / "ingest" / "words.txt").write_text("数据\n")
    assert code_version(tmp_path, parts) != first  # a data file is
    assert len(code_version()) == 64


def test_a_part_of_the_split_gets_a_library_of_its_own(base):
    every = split_pairs("dev", base.settings.eval_corpus)
    whole = library_home(base.settings.eval_home, "dev", every, True)
    part = library_home(base.settings.eval_home, "dev", every[:1], False)
    assert whole.name == "dev" and part.name.startswith("dev-") and part != whole


def test_two_pipelines_over_one_library_in_one_report(base, question_set, tmp_path):
    out = tmp_path / "run"
    summary, runs = run_split(base, "dev", question_set, out, ["full", "naive"], progress=False)
    assert [r.name for r in runs] == ["full", "naive"] and all(len(r.results) == 4 for r in runs)
    assert summary["meta"]["library"]["status"] == "built" and summary["meta"]["library"]["pairs"] == 2
    full = summary["pipelines"]["full"]
    assert set(full["per_document"]) == {"alpha/faq", "beta/faq"}
    assert set(full["per_script"]) == {"zh", "zh-Hant"} and set(full["per_format"]) == {"md"}
    assert set(full["per_kind"]) == {"number", "name", "unanswerable"}
    assert set(full["per_question_language"]) == {"en", "zh", "zh-Hant"}
    assert full["per_document"]["alpha/faq"]["n"] == 2
    assert full["overall"]["recall@10"] is not None and full["overall"]["unanswerable (count)"] == 1
    asked = [json.loads(line) for line in (out / "full" / "results.jsonl").read_text().splitlines()]
    assert all(r["retrieved_gold"] is not None for r in asked if r["id"] != "b-none")
    assert {h["doc"] for r in asked for h in r["retrieved"]} == {"alpha.faq", "beta.faq"}  # the whole library
    report = (out / "report.md").read_text()
    assert "| metric | full | naive |" in report and "## Per format: pass rate (recall@5)" in report
    assert "| beta/faq | 2 |" in report and "refusal precision" in report
    for f in ("summary.json", "pass_rate.png", "full/report.md", "naive/report.md", "full/replies.jsonl", "naive/replies.jsonl"):
        assert (out / f).stat().st_size > 0, f


def test_a_run_is_answered_again_from_its_recorded_replies(base, question_set, tmp_path):
    from rag.llm import FakeBackend

    first, runs = run_split(base, "dev", question_set, tmp_path / "run1", ["full", "naive"], progress=False)
    assert all(r.asked > 0 for r in runs)
    other = base.sharing(chat_backend=FakeBackend(reply_fn=lambda messages: "Something else entirely."))
    again, replayed = run_split(other, "dev", question_set, tmp_path / "run2", ["full", "naive"],
                                replay=tmp_path / "run1", progress=False)
    assert [(r.asked, r.replayed > 0) for r in replayed] == [(0, True), (0, True)]
    assert other.chat_backend.llm.calls == []  # the model was never asked
    assert again["meta"]["library"]["status"] == "reused"
    for name in ("full", "naive"):
        answers = lambda d: [json.loads(line)["answer"] for line in (d / name / "results.jsonl").read_text().splitlines()]  # noqa: E731
        assert answers(tmp_path / "run2") == answers(tmp_path / "run1")
        # the second run recorded every reply it used: it is answered again from its own folder alone
        assert sorted((tmp_path / "run2" / name / "replies.jsonl").read_text().splitlines()) == \
            sorted((tmp_path / "run1" / name / "replies.jsonl").read_text().splitlines())


def test_a_question_about_a_pair_outside_the_split_is_an_error_before_any_ingest(base, question_set, tmp_path):
    rows = question_set.read_text().splitlines() + [json.dumps({"id": "g", "pair": "gamma/notes", "question": "Gamma?"})]
    question_set.write_text("\n".join(rows) + "\n")
    with pytest.raises(InputError, match="gamma/notes"):
        run_split(base, "dev", question_set, tmp_path / "run", ["full"], progress=False)
    with pytest.raises(InputError, match="unknown pipeline"):
        run_split(base, "dev", question_set, tmp_path / "run", ["full", "magic"], progress=False)
    assert not (base.settings.eval_home / "library").exists()


def test_a_quick_try_on_some_pairs_asks_only_their_questions(base, question_set, tmp_path):
    summary, runs = run_split(base, "dev", question_set, tmp_path / "run", ["full"], only=["beta/faq"], progress=False)
    assert [r["id"] for r in runs[0].results] == ["b-lang", "b-none"]
    assert summary["meta"]["library"]["pairs"] == 1 and Path(summary["meta"]["library"]["home"]).name.startswith("dev-")


def test_the_command_prints_one_line_per_pipeline_and_reuses_the_library(corpus, question_set, tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "RAG_HOME": str(tmp_path / "home"), "RAG_EMBEDDING_MODEL": "fake", "RAG_LLM_MODEL": "fake",
           "RAG_EVAL_CORPUS": str(corpus), "RAG_EVAL_HOME": str(tmp_path / "evalruns")}

    def rag(*args):
        p = subprocess.run([sys.executable, "-m", "rag", "eval", "run", *args], capture_output=True, text=True, env=env, timeout=300)
        assert p.returncode == 0, p.stderr
        return p.stdout

    first = rag(str(question_set), "--split", "dev", "--pipeline", "full", "--pipeline", "naive", "--out", str(tmp_path / "r1"))
    assert "library: 2 pairs" in first and "built (no library yet)" in first
    assert [line.split(":")[0] for line in first.splitlines() if "questions · pass rate" in line] == ["full", "naive"]
    second = rag(str(question_set), "--split", "dev", "--pipeline", "naive", "--replay", str(tmp_path / "r1"))
    assert "reused (same files, ingest code and index settings)" in second and "0 asked" in second
    assert len(list((tmp_path / "evalruns").glob("dev-*/naive/results.jsonl"))) == 1  # the default run folder
