"""Published eval runs, one JSONL file per sitting under ``docs/eval/runs/``, and the model replies
that answer them again under ``docs/eval/replies/``.

Each file holds, per run of the sitting (a configuration over a question set, e.g. ``default/seed``),
one ``{"run", "summary"}`` line and one ``{"run", "result"}`` line per question: everything
``rag eval run`` wrote except what can be made again (report.md, plots). Every model reply the runs
used is published beside it (``replies/SITTING.jsonl``, gzipped when large), so
``rag eval run … --replay docs/eval/replies/SITTING.jsonl.gz`` answers them again from the repo alone.

    python -m eval.published list                       sittings, runs, pass rates, whether replies are here
    python -m eval.published show v7 default/seed --out DIR
                                                        results.jsonl, summary.json, report.md and plots
    python -m eval.published add SITTING RUN_DIR…       publish run folders (run name: path under the sitting;
                                                        a --split run folder: one run per pipeline)
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

from rag.errors import InputError
from rag.settings import REPO_ROOT

RUNS = REPO_ROOT / "docs" / "eval" / "runs"
REPLIES = REPO_ROOT / "docs" / "eval" / "replies"
GZIP_ABOVE = 256 * 1024  # a replies file larger than this is published gzipped


def _load(sitting: str) -> dict[str, dict]:
    """run name → {"summary": …, "results": […]} of one sitting."""
    path = RUNS / f"{sitting}.jsonl"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in RUNS.glob("*.jsonl")))
        raise SystemExit(f"no sitting {sitting!r}; published: {known}")
    runs: dict[str, dict] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        run = runs.setdefault(row["run"], {"summary": {}, "results": []})
        if "summary" in row:
            run["summary"] = row["summary"]
        else:
            run["results"].append(row["result"])
    return runs


def _run_dirs(run_dirs: list[Path], root: Path | None) -> list[tuple[str, Path]]:
    """(run name, folder holding results.jsonl): a ``--split`` run folder is one run per pipeline."""
    out = []
    for d in run_dirs:
        name = d.relative_to(root).as_posix() if root else d.name
        if (d / "results.jsonl").exists():
            out.append((name, d))
        else:
            subs = sorted(p.parent for p in d.glob("*/results.jsonl"))
            if not subs:
                raise InputError(f"{d} holds no results.jsonl", hint="publish folders `rag eval run` wrote")
            out.extend((f"{name}/{p.name}", p) for p in subs)
    return out


def _check_publishable(name: str, d: Path, summary: dict) -> None:
    """A published run depends on nothing outside the repo: its replies come with it, its set is here."""
    if not list(d.glob("replies.jsonl*")):
        raise InputError(f"{d} has no replies.jsonl: a published run must be answerable again from the repo",
                         hint="rerun it with `rag eval run` (it records every model reply in the run folder)")
    set_path = summary.get("meta", {}).get("set")
    if set_path and not (REPO_ROOT / set_path).exists():
        raise InputError(f"run {name} asked {set_path}, which is not in the repo", hint="commit the question set first")


def publish_replies(sitting: str, dirs: list[Path]) -> Path:
    """Every reply the runs used, once each, as replies/SITTING.jsonl (gzipped when large)."""
    from eval.replay import read_lines

    rows: dict[str, str] = {}
    for d in dirs:
        for f in sorted(d.glob("replies.jsonl*")):
            for line in read_lines(f):
                if line.strip():
                    rows.setdefault(json.loads(line)["key"], line)
    data = ("\n".join(rows.values()) + "\n").encode("utf-8")
    REPLIES.mkdir(parents=True, exist_ok=True)
    for old in REPLIES.glob(f"{sitting}.jsonl*"):
        old.unlink()
    if len(data) > GZIP_ABOVE:
        out = REPLIES / f"{sitting}.jsonl.gz"
        out.write_bytes(gzip.compress(data, mtime=0))
    else:
        out = REPLIES / f"{sitting}.jsonl"
        out.write_bytes(data)
    return out


def replies_of(sitting: str) -> Path | None:
    return next(iter(sorted(REPLIES.glob(f"{sitting}.jsonl*"))), None)


def add(sitting: str, run_dirs: list[Path], root: Path | None = None) -> Path:
    """Publish run folders (each with results.jsonl, summary.json and replies.jsonl) as one sitting
    file and its replies."""
    runs = _run_dirs(run_dirs, root)
    lines = []
    for name, d in runs:
        summary = json.loads((d / "summary.json").read_text(encoding="utf-8")) if (d / "summary.json").exists() else {}
        _check_publishable(name, d, summary)
        lines.append(json.dumps({"run": name, "summary": summary}, ensure_ascii=False))
        for line in (d / "results.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                lines.append(json.dumps({"run": name, "result": json.loads(line)}, ensure_ascii=False))
    publish_replies(sitting, [d for _, d in runs])
    RUNS.mkdir(parents=True, exist_ok=True)
    out = RUNS / f"{sitting}.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return out


def unreproducible() -> dict[str, list[str]]:
    """Sittings with runs that replayed model replies the repo does not hold: sitting → those runs."""
    out: dict[str, list[str]] = {}
    for path in sorted(RUNS.glob("*.jsonl")):
        if replies_of(path.stem):
            continue
        runs = [run for run, data in _load(path.stem).items() if "replay" in data["summary"].get("meta", {})]
        if runs:
            out[path.stem] = runs
    return out


def show(sitting: str, run: str, out: Path) -> Path:
    """Write a published run back out as ``rag eval run`` did (the report with today's report code)."""
    from eval.report import write_report
    from eval.runner import load_set

    runs = _load(sitting)
    if run not in runs:
        raise SystemExit(f"no run {run!r} in {sitting}; runs: {', '.join(runs)}")
    summary, results = runs[run]["summary"], runs[run]["results"]
    meta = summary.get("meta", {})
    items = load_set(REPO_ROOT / meta["set"]) if meta.get("set") and (REPO_ROOT / meta["set"]).exists() else []
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results), encoding="utf-8")
    write_report(out, items, results, meta)
    (out / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")  # as published
    return out / "report.md"


def listing() -> str:
    lines = []
    missing = unreproducible()
    for path in sorted(RUNS.glob("*.jsonl")):
        for run, data in _load(path.stem).items():
            o = data["summary"].get("overall", {})
            rate = o.get("pass rate")
            note = "  (replayed replies not in the repo)" if run in missing.get(path.stem, ()) else ""
            lines.append(f"{path.stem:24} {run:32} {len(data['results']):4} questions  pass rate "
                         + (f"{rate:.3f}" if rate is not None else "–") + note)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m eval.published", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    s = sub.add_parser("show")
    s.add_argument("sitting")
    s.add_argument("run")
    s.add_argument("--out", type=Path, required=True)
    a = sub.add_parser("add")
    a.add_argument("sitting")
    a.add_argument("run_dirs", type=Path, nargs="+")
    args = ap.parse_args(argv)
    if args.cmd == "list":
        print(listing())
    elif args.cmd == "show":
        print(show(args.sitting, args.run, args.out))
    else:
        try:
            print(add(args.sitting, args.run_dirs, root=args.run_dirs[0].parent if len(args.run_dirs) > 1 else None))
        except InputError as e:
            raise SystemExit(f"Error: {e.user_message()}") from None
        print(replies_of(args.sitting))


if __name__ == "__main__":
    main()
