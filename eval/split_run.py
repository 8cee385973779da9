"""``rag eval run --split dev|test``: every pair of the split in one library, every question asked of
all of it, by one or several pipelines, in one report."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Sequence

from eval.library import library_home, open_library
from eval.library_report import write_library_report
from eval.real_corpus import SPLITS, split_pairs
from eval.replay import reply_files
from eval.runner import check_pipelines, for_library, load_set, run_pipelines
from rag.errors import InputError
from rag.settings import REPO_ROOT


def default_set(split: str) -> Path:
    return REPO_ROOT / "eval" / "sets" / f"corpus-{split}.jsonl"


def shown(path: Path) -> str:
    """A path as a report names it: relative to the checkout when inside it."""
    path = path.resolve()
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)


def _chosen(every: list, only: Sequence[str] | None) -> list:
    if not only:
        return every
    unknown = sorted(set(only) - {p.pair for p in every})
    if unknown:
        raise InputError(f"not pairs of the split: {', '.join(unknown)}", hint="name them FOLDER/NAME as SPLIT.md does")
    return [p for p in every if p.pair in only]


def run_split(base, split: str, set_path: Path, out: Path, pipelines: Sequence[str], replay: Path | None = None,
              limit: int | None = None, only: Sequence[str] | None = None, progress: bool = True):
    """(summary, runs). ``base``: the App whose settings and models are used; ``only``: a few pairs of
    the split (a quick try: its own library, and only the questions about them)."""
    if split not in SPLITS:
        raise InputError(f"unknown split {split!r}", hint=f"choose one of {', '.join(SPLITS)}")
    check_pipelines(pipelines)
    sources = reply_files(replay) if replay else []
    found = _chosen(split_pairs(split, base.settings.eval_corpus), only)
    items = load_set(set_path)
    if only:
        items = [it for it in items if it.get("pair") in only]
        if not items:
            raise InputError(f"{set_path} asks nothing about {', '.join(only)}")
    items = for_library(items, found)
    app, library = open_library(base, found, library_home(base.settings.eval_home, split, found, not only), progress)
    app.warm_up(chat=not replay)  # not timed in the first answer; a replayed run loads the model at its first miss
    runs = run_pipelines(app, items, list(pipelines), out, sources, limit, progress)
    s = app.settings
    meta = {"split": split, "set": shown(set_path), "pipelines": ", ".join(r.name for r in runs),
            "scope": "the whole library", "embedding": s.embedding_model, "llm": s.llm_base_url or s.llm_model,
            "machine": f"{platform.machine()} {os.cpu_count()} cores", "replay": shown(replay) if replay else "none",
            "library": library.to_json()}
    return write_library_report(out, items, runs, meta), runs
