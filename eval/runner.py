"""Run a question set through a pipeline: resumable, one model load per run, a progress bar."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Callable

from eval.metrics import gold_flags, score
from rag.errors import InputError, RagError

log = logging.getLogger(__name__)
PIPELINES = ("full", "naive", "dense", "bm25")


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


def build_pipeline(app, name: str):
    """The pipeline to evaluate, from the same composition root as the CLI and UI."""
    if name not in PIPELINES:
        raise InputError(f"unknown pipeline {name!r}; choose one of {', '.join(PIPELINES)}")
    if name == "full":
        return app.pipeline
    if name == "naive":
        from eval.baselines import NaivePipeline

        return NaivePipeline(app.retriever, app.chat_backend)
    mode = "dense" if name == "dense" else "bm25"  # the same parts, another retrieval mode
    return app.sharing(app.settings.model_copy(update={"retrieval_mode": mode})).pipeline


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
            result = {"id": item["id"], **result}
            result["metrics"] = score(item, result)
            f.write(json.dumps(result, ensure_ascii=False) + "\n")
            f.flush()
            done[item["id"]] = result
            if on_result:
                on_result(result)
            bar.update(1)
    return [done[it["id"]] for it in todo_items if it["id"] in done]
