"""Ablation: the answer path as shipped, then each of its mechanisms that can be switched off, on its
own, over one or more question sets, with the same loaded models. Writes one run folder per (config,
set) and a Markdown table.

    python -m eval.ablate eval/sets/seed.jsonl eval/sets/late.jsonl --out docs/eval/ablation
    python -m eval.ablate eval/sets/seed.jsonl --out DIR --only default,no-key-terms
    python -m eval.ablate eval/sets/real.jsonl --out DIR --replay REPLIES.jsonl

With ``--replay`` the model's replies recorded by ``rag eval run`` are replayed: a lever that acts after
the select call (the key-term refusal) costs no model call; one that changes the units the model reads
asks the model for those prompts only (times of replayed answers measure code and retrieval, not the
model).

Runs are resumable (a rerun skips answered questions), so a long ablation can be stopped and resumed.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
from pathlib import Path

from eval.report import write_report
from eval.runner import load_set, run

# name -> (what switching it off does, the settings that switch it off): the answer path's levers
LEVERS: dict[str, tuple[str, dict]] = {
    "default": ("every mechanism on (the shipped configuration)", {}),
    "no-key-terms": ("no key-term refusal: a selection is answered whatever share of the question's key "
                     "terms it holds", {"select_min_coverage": 0.0}),
    "no-sentences": ("whole paragraphs: a long prose paragraph is one unit, not one per sentence",
                     {"select_sentence_chars": 0}),
    "no-blocks": ("no lead-in blocks: a lead-in and the list items, table rows or code it announces are "
                  "separate units", {"select_block_items": 0}),
}


def row(summary: dict) -> dict:
    o = summary["overall"]
    n = o["n"]
    passed = round((o.get("pass rate") or 0) * n)
    return {
        "pass rate": f"**{o.get('pass rate') or 0:.3f}** ({passed}/{n})",
        "citation hit": f"{o.get('citation hit') or 0:.2f}",
        "language match": f"{o.get('language match') or 0:.2f}",
        "refused (unanswerable)": f"{o.get('unanswerable refused (count)', 0)}/{o.get('unanswerable (count)', 0)}",
        "false refusals": str(o.get("false refusals (count)", 0)),
        "first token p50": f"{(o.get('first_token p50 ms') or 0) / 1000:.1f} s",
        "total p50": f"{(o.get('total p50 ms') or 0) / 1000:.1f} s",
    }


def table(out: Path, configs: list[str], sets: list[Path]) -> str:
    lines = []
    for s in sets:
        lines.append(f"### {s.name}\n")
        cols = None
        for name in configs:
            p = out / name / s.stem / "summary.json"
            if not p.exists():
                continue
            r = row(json.loads(p.read_text()))
            if cols is None:
                cols = list(r)
                lines.append("| lever switched off | " + " | ".join(cols) + " |")
                lines.append("|---|" + "---|" * len(cols))
            label = "none (default)" if name == "default" else f"{name}: {LEVERS[name][0]}"
            lines.append(f"| {label} | " + " | ".join(r[c] for c in cols) + " |")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--only", default="", help="comma-separated configs (default: all)")
    ap.add_argument("--replay", type=Path, default=None, help="replay recorded model replies (eval/replay.py)")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    from rag.compose import App
    from rag.settings import get_settings

    configs = [c for c in (args.only.split(",") if args.only else LEVERS) if c]
    unknown = [c for c in configs if c not in LEVERS]
    if unknown:
        raise SystemExit(f"unknown config(s) {unknown}; choose from {', '.join(LEVERS)}")
    base = App(get_settings())
    base.warm_up()
    replayed = None
    if args.replay:
        from eval.replay import ReplayBackend

        replayed = ReplayBackend(base.chat_backend, args.replay)
    for name in configs:
        settings = base.settings.model_copy(update=LEVERS[name][1])
        app = base.sharing(settings, chat_backend=replayed)
        for s in args.sets:
            items = load_set(s)
            d = args.out / name / s.stem
            results = run(items, app.pipeline, d)
            meta = {"pipeline": f"full, {name}", "set": str(s), "off": json.dumps(LEVERS[name][1]),
                    "embedding": settings.embedding_model, "llm": settings.llm_base_url or settings.llm_model,
                    "machine": f"{platform.machine()} {__import__('os').cpu_count()} cores"}
            if replayed:
                meta["replay"] = f"replayed from {args.replay}"
            write_report(d, items, results, meta)
            print(f"{name} / {s.stem}: {row(json.loads((d / 'summary.json').read_text()))}", flush=True)
    md = table(args.out, list(LEVERS), args.sets)
    (args.out / "ablation.md").write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
