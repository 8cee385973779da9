"""Published eval runs, one JSONL file per sitting under ``docs/eval/runs/``.

Each file holds, per run of the sitting (a configuration over a question set, e.g. ``default/seed``),
one ``{"run", "summary"}`` line and one ``{"run", "result"}`` line per question: everything
``rag eval run`` wrote except what can be made again (report.md, plots).

    python -m eval.published list                       sittings, runs and pass rates
    python -m eval.published show v7 default/seed --out DIR
                                                        results.jsonl, summary.json, report.md and plots
    python -m eval.published add SITTING RUN_DIR…       publish run folders (run name: path under the sitting)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.settings import REPO_ROOT

RUNS = REPO_ROOT / "docs" / "eval" / "runs"


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


def add(sitting: str, run_dirs: list[Path], root: Path | None = None) -> Path:
    """Publish run folders (each with results.jsonl and summary.json) as one sitting file."""
    lines = []
    for d in run_dirs:
        name = d.relative_to(root).as_posix() if root else d.name
        summary = json.loads((d / "summary.json").read_text(encoding="utf-8")) if (d / "summary.json").exists() else {}
        lines.append(json.dumps({"run": name, "summary": summary}, ensure_ascii=False))
        for line in (d / "results.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                lines.append(json.dumps({"run": name, "result": json.loads(line)}, ensure_ascii=False))
    RUNS.mkdir(parents=True, exist_ok=True)
    out = RUNS / f"{sitting}.jsonl"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
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
    for path in sorted(RUNS.glob("*.jsonl")):
        for run, data in _load(path.stem).items():
            o = data["summary"].get("overall", {})
            rate = o.get("pass rate")
            lines.append(f"{path.stem:24} {run:32} {len(data['results']):4} questions  pass rate "
                         + (f"{rate:.3f}" if rate is not None else "–"))
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
        print(add(args.sitting, args.run_dirs, root=args.run_dirs[0].parent if len(args.run_dirs) > 1 else None))


if __name__ == "__main__":
    main()
