"""The select path against the textbook RAG, question by question (#33's time target):
``python -m bench.answer_time --split dev --limit 40``.

Each question of a split's set is answered by the select path and at once by the textbook RAG
(``--pipeline naive``), each on a chat backend of its own (the textbook prompt's cache is its own, as
when an eval run asks it second), over the split's library as ``rag eval run`` builds it. The eval
runner answers every question with one pipeline before the next, so on a machine whose speed drifts
(a third from hour to hour on two cores) its ratio is off by as much; here the drift falls on both.
Appends (or replaces) a section of docs/benchmarks.md and prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.run import ROOT, _pct, machine, make_app, replace_section


def _items(app, split: str, set_path: Path | None, only: list[str], limit: int):
    """(pairs of the library, questions about them): the split's pairs (or only the pairs named)."""
    from bench.pdf_ingest import corpus_pairs
    from eval.real_corpus import split_pairs
    from eval.runner import for_library, load_set
    from eval.split_run import default_set

    corpus = app.settings.eval_corpus
    found = corpus_pairs(corpus, only) if only else split_pairs(split, corpus)
    items = [it for it in load_set(set_path or default_set(split)) if not only or it.get("pair") in only]
    return found, for_library(items, found)[:limit]


def _second_backend(app):
    """A chat backend of the textbook RAG's own: the same model in another server (a fake: the same)."""
    from rag.llm import FakeBackend, build_chat_backend

    return app.chat_backend if isinstance(app.chat_backend, FakeBackend) else build_chat_backend(app.settings)


WARM_UP = "What is this document about?"  # asked of both before the clock runs (not a question of the set:
# the servers' prompt caches would make a question asked twice nearly free)


def answer_times(app, items: list[dict]) -> dict:
    """Complete-answer seconds of both pipelines per question, and their summary."""
    from eval.baselines import NaivePipeline

    naive = NaivePipeline(app.retriever, _second_backend(app))
    app.warm_up()
    for pipe in (app.pipeline, naive):
        pipe.answer(WARM_UP)
    rows = []
    for it in items:
        ours, theirs = app.pipeline.answer(it["question"]), naive.answer(it["question"])
        rows.append({"id": it["id"], "select_s": ours.timings_ms["total"] / 1000, "naive_s": theirs.timings_ms["total"] / 1000})
    return summary(rows)


def summary(rows: list[dict]) -> dict:
    out: dict = {"questions": len(rows), "rows": rows}
    for key in ("select_s", "naive_s"):
        vals = [r[key] for r in rows]
        out[key] = {"p50": _pct(vals, 50), "p90": _pct(vals, 90), "mean": statistics.fmean(vals) if vals else 0.0}
    out["ratio_p50"] = out["select_s"]["p50"] / out["naive_s"]["p50"] if out["naive_s"]["p50"] else None
    out["select_faster"] = sum(r["select_s"] < r["naive_s"] for r in rows)
    return out


def render(r: dict, split: str, label: str) -> str:
    ratio = f"{r['ratio_p50']:.2f}×" if r["ratio_p50"] is not None else "—"
    row = lambda name, k: f"| {name} | {r[k]['p50']:.1f} / {r[k]['p90']:.1f} / {r[k]['mean']:.1f} s |"  # noqa: E731
    return "\n".join([
        f"### answer time, {split} split, question by question ({label})", "",
        f"Machine: {r['machine']}. Models: {r['models']}. Date: {r['date']}. `python -m bench.answer_time "
        f"--split {split} --limit {r['questions']}`: each question answered by both pipelines in turn, each on "
        "its own chat backend; the complete answer (`timings_ms.total`).", "",
        f"| {r['questions']} questions | complete answer p50 / p90 / mean |", "|---|---|",
        row("select path", "select_s"), row("textbook RAG (`--pipeline naive`)", "naive_s"), "",
        f"Select / textbook, p50: **{ratio}** (#33's target ≤ 0.7×); the select path is the faster on "
        f"{r['select_faster']} of {r['questions']} questions.", ""])


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", default="dev", choices=("dev", "test"))
    ap.add_argument("--limit", type=int, default=40, help="the first N questions of the set")
    ap.add_argument("--set", type=Path, default=None, help="questions (JSONL); default eval/sets/corpus-SPLIT.jsonl")
    ap.add_argument("--pair", action="append", default=[], help="only this pair FOLDER/NAME (repeatable)")
    ap.add_argument("--corpus", type=Path, default=None, help="the corpus root (default RAG_EVAL_CORPUS)")
    ap.add_argument("--fake", action="store_true", help="fake models (for the smoke test)")
    ap.add_argument("--label", default="current")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = ap.parse_args(argv)
    from eval.library import library_home, open_library

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        extra = {"eval_corpus": args.corpus} if args.corpus else {}
        base = make_app(Path(tmp), args.fake, **({"eval_home": Path(tmp)} if args.fake else {}), **extra)
        found, items = _items(base, args.split, args.set, args.pair, args.limit)
        if not items:
            raise SystemExit("no question asks about these pairs")
        home = library_home(base.settings.eval_home, args.split, found, not args.pair)
        app, _ = open_library(base, found, home, progress=sys.stderr.isatty())
        r = answer_times(app, items)
    r.update(machine=machine(), date=time.strftime("%Y-%m-%d"),
             models="fake" if args.fake else f"{app.settings.embedding_model} + {app.settings.llm_model}")
    replace_section(args.out, render(r, args.split, args.label))
    print(json.dumps({k: v for k, v in r.items() if k != "rows"}))


if __name__ == "__main__":
    main()
