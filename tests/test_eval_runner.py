"""The eval runner and report with the fake models (the real models answer the sets through `rag eval run`, outside CI)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from eval.report import compare, write_report
from eval.runner import build_pipeline, load_set, run
from rag.errors import InputError
from rag.settings import Settings

SET = Path(__file__).resolve().parent.parent / "eval" / "sets" / "seed.jsonl"


def test_seed_set_is_well_formed():
    items = load_set(SET)
    assert len(items) >= 60
    cats = {it["category"] for it in items}
    assert {"en_en", "zh_zh", "en_zh_only", "zh_en_only", "traditional", "mixed", "multi_paragraph",
            "paraphrased", "unanswerable", "injection"} <= cats
    for it in items:
        if it["answerable"]:
            assert it["gold_paragraphs"] and it["keywords"], it["id"]


# sets over the sample article name gold paragraphs; those over the real documents name gold text
# (discrepancies.jsonl is the discrepancy detector's labelled set, not questions)
SEED_SETS = sorted(p for p in SET.parent.glob("*.jsonl")
                   if p.name != "discrepancies.jsonl" and not any("gold_text" in it for it in load_set(p)))


@pytest.mark.parametrize("qset", SEED_SETS, ids=lambda p: p.stem)
def test_gold_paragraphs_contain_their_keywords(seed_text, qset):
    """Hand check, automated: every keyword group is found in a gold paragraph (either language)."""
    from ingest.parse import parse_text
    from rag.text.chinese import to_simplified

    doc = parse_text(seed_text, "s", "s")
    meta = doc.meta
    for it in load_set(qset):
        if not it["answerable"]:
            continue
        texts = [doc.get(l, n).text for n in it["gold_paragraphs"] for l in ("en", "zh") if doc.get(l, n)]
        hay = to_simplified(" ".join(texts) + " " + " ".join([meta.title, meta.author, meta.date, meta.affiliation])).lower()
        for group in it["keywords"]:
            assert any(to_simplified(k).lower() in hay for k in group), (it["id"], group)


def test_load_set_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n')
    with pytest.raises(InputError, match="id"):
        load_set(bad)
    bad.write_text("not json\n")
    with pytest.raises(InputError, match="not JSON"):
        load_set(bad)
    with pytest.raises(InputError, match="no such"):
        load_set(tmp_path / "missing.jsonl")


def test_run_is_resumable_and_writes_the_report(seeded_fake_app, tmp_path):
    items = load_set(SET)[:6] + [it for it in load_set(SET) if not it["answerable"]][:2]
    out = tmp_path / "run"
    pipe = build_pipeline(seeded_fake_app, "full")
    first = run(items[:4], pipe, out, progress=False)
    assert len(first) == 4
    calls = []
    results = run(items, pipe, out, progress=False, on_result=calls.append)
    assert len(results) == len(items) and len(calls) == len(items) - 4  # finished ids skipped
    line = json.loads((out / "results.jsonl").read_text().splitlines()[0])
    assert {"id", "question", "answer", "answer_language", "refused", "citations", "retrieved", "timings_ms", "metrics"} <= set(line)
    summary = write_report(out, items, results, {"pipeline": "full"})
    assert "pass rate" in summary["overall"] and summary["per_category"]
    for name in ("summary.json", "report.md", "accuracy_per_category.png", "recall_at_k.png", "latency.png"):
        assert (out / name).stat().st_size > 0
    assert "## Per language direction" in (out / "report.md").read_text()


def test_a_set_is_asked_of_its_documents_or_of_the_library(seeded_fake_app, tmp_path):
    """By default a question with `docs` is asked of those documents (a user who picked one);
    `--library` asks it of every document."""

    class Recorder:
        def __init__(self, base):
            self.base, self.docs = base, []

        def answer(self, question, lang=None, docs=None):
            self.docs.append(docs)
            return self.base.answer(question, lang=lang, docs=docs)

    items = [{"id": "a", "question": "When are the APEC and G20 summits held?", "docs": ["000_e8aec6b6a6faab82"]}]
    for scoped, expected in ((True, ["000_e8aec6b6a6faab82"]), (False, None)):
        pipe = Recorder(seeded_fake_app.pipeline)
        run(items, pipe, tmp_path / f"run-{scoped}", progress=False, scoped=scoped)
        assert pipe.docs == [expected]


@pytest.mark.parametrize("name", ["naive", "dense", "bm25"])
def test_baseline_pipelines_run(seeded_fake_app, tmp_path, name):
    items = load_set(SET)[:2]
    results = run(items, build_pipeline(seeded_fake_app, name), tmp_path / name, progress=False)
    assert len(results) == 2 and all("metrics" in r for r in results)


def test_compare(seeded_fake_app, tmp_path):
    items = load_set(SET)[:3]
    for name in ("full", "naive"):
        out = tmp_path / name
        write_report(out, items, run(items, build_pipeline(seeded_fake_app, name), out, progress=False), {"pipeline": name})
    table = compare([tmp_path / "full", tmp_path / "naive"], tmp_path / "cmp.png")
    assert "| pass rate |" in table and "full" in table and "naive" in table
    assert (tmp_path / "cmp.png").stat().st_size > 0


def test_unknown_pipeline(seeded_fake_app):
    with pytest.raises(InputError):
        build_pipeline(seeded_fake_app, "magic")


REAL = Settings().eval_corpus


@pytest.fixture(scope="module")
def real_paragraphs():
    """Every paragraph of every real corpus pair, parsed once for the module (parsing them all takes
    about 7 s)."""
    from eval.real_corpus import pairs
    from ingest.loaders import parse_path
    from ingest.parse import build_document

    return {pair.doc_id: [p for path, lang in ((pair.en, "en"), (pair.zh, "zh"))
                          for p in build_document(parse_path(path), pair.doc_id, str(path), lang).paragraphs]
            for pair in pairs(REAL)}


@pytest.mark.skipif(not REAL.exists(), reason="../shared/corpus/real is not here")
@pytest.mark.parametrize("name, least", [("real.jsonl", 40), ("real2.jsonl", 20), ("versions.jsonl", 12), ("glosses.jsonl", 12), ("leadins.jsonl", 18), ("quantities.jsonl", 15)])
def test_real_set_gold_text_is_in_its_document_and_holds_the_keywords(real_paragraphs, name, least):
    """eval/sets/real*.jsonl: each gold text is in the named document, in the gold language when one is
    named, and every keyword group is found in a paragraph holding gold text (or the front matter)."""
    from rag.text.chinese import to_simplified

    flat = lambda s: re.sub(r"\s+", "", to_simplified(s).lower())  # noqa: E731
    docs = real_paragraphs
    items = load_set(SET.parent / name)
    assert len(items) >= least and len({d for it in items for d in it["docs"]}) >= 4
    for it in items:
        assert set(it["docs"]) <= set(docs), it["id"]
        if not it["answerable"]:
            continue
        paras = [p for d in it["docs"] for p in docs[d]]
        gold = [p for p in paras if any(flat(g) in flat(p.text) for g in it["gold_text"])]
        assert gold, (it["id"], "gold text not found")
        if it.get("gold_lang"):
            assert {p.lang for p in gold} == {it["gold_lang"]}, (it["id"], "a fact of one version only")
        hay = flat(" ".join(p.text for p in gold + [p for p in paras if p.n == 0]))
        for group in it["keywords"]:
            assert any(flat(k) in hay for k in group), (it["id"], group)


def test_retrieval_ranks_the_gold_pair_without_a_model(seeded_fake_app, tmp_path):
    """``python -m eval.retrieval``: the rank of the first pair holding a gold paragraph, by number or by
    text; unanswerable questions and questions without gold are not ranked."""
    from eval.retrieval import rank_set

    doc = seeded_fake_app.store.get_document(seeded_fake_app.store.documents()[0].doc_id)
    p3 = doc.get("en", 3).text
    items = [
        {"id": "by-number", "question": p3, "gold_paragraphs": [3]},
        {"id": "by-text", "question": p3, "gold_text": [doc.get("zh", 3).text[:12]]},
        {"id": "elsewhere", "question": p3, "gold_text": ["no paragraph says this"]},
        {"id": "unanswerable", "question": "What is the capital of Mars?", "answerable": False},
        {"id": "no-gold", "question": p3},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items), encoding="utf-8")
    ranks = rank_set(seeded_fake_app.retriever, path, context=2)
    assert ranks.ranks == {"by-number": 1, "by-text": 1, "elsewhere": None}
    assert ranks.hits(1) == 2 and ranks.line() == "set: top 1: 2/3 · top 2: 2/3 · top 3: 2/3 · top 5: 2/3; outside the context: elsewhere (>5)"


def test_retrieval_on_a_missing_set_says_so(tmp_path):
    """Bad input: one line saying what is wrong, no traceback, before any model loads."""
    from eval.retrieval import main

    with pytest.raises(SystemExit) as e:
        main([str(tmp_path / "missing.jsonl")])
    assert str(e.value).startswith("Error: ") and "missing.jsonl: no such question set" in str(e.value)
