"""Run a question set through a pipeline: resumable, one model load per run, a progress bar."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from eval.metrics import gold_flags, score
from rag.errors import InputError, RagError

log = logging.getLogger(__name__)


def _full(app):
    return app.pipeline


def _naive(app):
    from eval.baselines import NaivePipeline

    return NaivePipeline(app.retriever, app.chat_backend)


def _with(**update):
    """The answer path over the same models and index with other settings: another chooser of the
    units it quotes (``model`` alone, ``top`` alone), another retrieval mode (dense or BM25 alone)."""
    return lambda app: app.sharing(app.settings.model_copy(update=update)).pipeline


WHERE = ("pair", "format", "script")  # what a result of a library run keeps of where its question's gold is

# name → the pipeline built from an App (the same composition root as the CLI and UI); a new pipeline is
# one line here
PIPELINES: dict[str, Callable] = {
    "full": _full,
    "select": _full,  # the one answer path (the name of published runs)
    "select-model": _with(select_chooser="model"),
    "select-top": _with(select_chooser="top"),
    "naive": _naive,
    "dense": _with(retrieval_mode="dense"),
    "bm25": _with(retrieval_mode="bm25"),
}


def load_set(path: Path) -> list[dict]:
    if not path.exists():
        raise InputError(f"{path}: no such question set")
    items = []
    seen = set()
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{i}: not JSON ({e.msg})") from None
        if not isinstance(item, dict) or "id" not in item or "question" not in item:
            raise InputError(f"{path}:{i}: each line needs at least \"id\" and \"question\"")
        if item["id"] in seen:
            raise InputError(f"{path}:{i}: duplicate id {item['id']!r}")
        seen.add(item["id"])
        items.append(item)
    if not items:
        raise InputError(f"{path} has no questions")
    return items


def check_pipelines(names: Sequence[str]) -> None:
    unknown = [n for n in names if n not in PIPELINES]
    if unknown:
        raise InputError(f"unknown pipeline {unknown[0]!r}; choose one of {', '.join(PIPELINES)}")


def build_pipeline(app, name: str):
    """The pipeline to evaluate, built from ``app``."""
    check_pipelines([name])
    return PIPELINES[name](app)


def for_library(items: list[dict], found: list) -> list[dict]:
    """A corpus set's items ready to ask of the library of ``found`` (eval.real_corpus.Pair): each
    question's ``pair`` mapped to its document (``gold_doc``, where its gold text must be), format and
    script; every pair a question names must be in the library."""
    by_pair = {p.pair: p for p in found}
    unknown = sorted({it["pair"] for it in items if it.get("pair") not in by_pair})
    if unknown:
        raise InputError(f"questions ask about pairs the library does not hold: {', '.join(map(str, unknown))}",
                         hint="each question's \"pair\" must be a FOLDER/NAME of the split in SPLIT.md")
    return [{**it, "gold_doc": by_pair[it["pair"]].doc_id, "format": by_pair[it["pair"]].format,
             "script": by_pair[it["pair"]].script} for it in items]


def run(items: list[dict], pipeline, out_dir: Path, limit: int | None = None, progress: bool = True,
        on_result: Callable[[dict], None] | None = None, scoped: bool = True) -> list[dict]:
    """Answer every item not yet in out_dir/results.jsonl; returns all results (old and new). ``scoped``:
    a question with ``docs`` is asked of those documents (a user who picked one), else of the library."""
    from tqdm import tqdm

    out_dir.mkdir(parents=True, exist_ok=True)
    res_path = out_dir / "results.jsonl"
    done: dict[str, dict] = {}
    if res_path.exists():
        for line in res_path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                done[r["id"]] = r
    todo_items = items[:limit] if limit else items
    todo = [it for it in todo_items if it["id"] not in done]
    with open(res_path, "a", encoding="utf-8") as f, tqdm(total=len(todo), desc="eval", unit="q", disable=not progress) as bar:
        for item in todo:
            try:
                ans = pipeline.answer(item["question"], lang=item.get("force_lang"), docs=item.get("docs") if scoped else None)
                result = ans.to_json()
                if item.get("gold_text"):
                    result["retrieved_gold"] = gold_flags(item, [(h.doc, h.lang, h.text) for h in ans.retrieved])
            except RagError as e:  # a refused question (bad input) is a result, not a crash
                result = {"question": item["question"], "answer": "", "answer_language": "", "refused": True,
                          "citations": [], "retrieved": [], "timings_ms": {}, "error": e.user_message()}
            result = {"id": item["id"], **{k: item[k] for k in WHERE if k in item}, **result}
            result["metrics"] = score(item, result)
            f.write(json.dumps(result, ensure_ascii=False) + "\n")
            f.flush()
            done[item["id"]] = result
            if on_result:
                on_result(result)
            bar.update(1)
    return [done[it["id"]] for it in todo_items if it["id"] in done]


@dataclass(frozen=True)
class PipelineRun:
    name: str
    results: list[dict]
    replayed: int  # model calls answered from recorded replies
    asked: int  # model calls the model answered


def run_pipelines(app, items: list[dict], names: list[str], out: Path, replay_from: Sequence[Path] = (),
                  limit: int | None = None, progress: bool = True) -> list[PipelineRun]:
    """Ask every item of the whole library of ``app`` through each pipeline, into ``out/NAME/``
    (results.jsonl, and replies.jsonl: every model reply it used, so ``--replay out`` answers the run
    again); recorded replies in ``replay_from`` are replayed."""
    from eval.replay import REPLIES, ReplayBackend

    check_pipelines(names)
    runs = []
    for name in dict.fromkeys(names):
        backend = ReplayBackend(app.chat_backend, out / name / REPLIES, replay_from)
        pipe = build_pipeline(app.sharing(chat_backend=backend), name)
        results = run(items, pipe, out / name, limit=limit, progress=progress, scoped=False)
        runs.append(PipelineRun(name, results, backend.file.hits, backend.file.misses))
    return runs
