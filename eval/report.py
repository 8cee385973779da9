"""summary.json, report.md and PNG plots for one run; side-by-side comparison of runs."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Callable

from eval.metrics import direction, mean, percentile, question_language
from eval.runner import WHERE

HEADLINE = [
    ("pass rate", "pass"),
    ("citation hit", "citation_hit"),
    ("keywords", "keywords"),
    ("language match", "language_match"),
    ("recall@1", "recall@1"),
    ("recall@3", "recall@3"),
    ("recall@5", "recall@5"),
    ("MRR", "mrr"),
    ("nDCG@5", "ndcg@5"),
    ("citation precision", "citation_precision"),
    ("citation recall", "citation_recall"),
    ("unanswerable refused", "refusal_correct"),
    ("false refusals", "false_refusal"),
]


def _agg(results: list[dict]) -> dict:
    out: dict = {"n": len(results)}
    for label, key in HEADLINE:
        out[label] = mean(r["metrics"].get(key) for r in results)
    for k in (1, 3, 5, 10):
        out[f"recall@{k}"] = mean(r["metrics"].get(f"recall@{k}") for r in results)
        out[f"recall@{k} (language-specific)"] = mean(r["metrics"].get(f"recall@{k}_lang") for r in results)
    out["false refusals (count)"] = sum(1 for r in results if r["metrics"].get("false_refusal"))
    out["unanswerable refused (count)"] = sum(1 for r in results if r["metrics"].get("refusal_correct"))
    out["unanswerable (count)"] = sum(1 for r in results if r["metrics"].get("refusal_correct") is not None)
    refused = sum(1 for r in results if r.get("refused"))
    out["refusal precision"] = out["unanswerable refused (count)"] / refused if refused else None
    out["unsupported claims (answers)"] = sum(1 for r in results if r["metrics"].get("unsupported_claims"))
    for t in ("retrieve", "first_token", "total"):
        vals = [r.get("timings_ms", {}).get(t) for r in results if not r.get("refused") or t == "retrieve"]
        for p in (50, 90, 95):
            out[f"{t} p{p} ms"] = percentile(vals, p)
    return out


def _document(item: dict) -> str | None:
    """The document a question is about: its ``docs`` (asked of them), or its ``pair`` (of a library)."""
    return ", ".join(item["docs"]) if item.get("docs") else item.get("pair")


# (summary key, report heading, an item's group): a grouping no item has a group for is left out
GROUPS: list[tuple[str, str, Callable[[dict], str | None]]] = [
    ("per_category", "Per category", lambda it: it.get("category", "uncategorized")),
    ("per_direction", "Per language direction", direction),
    ("per_kind", "Per question kind", lambda it: it.get("kind")),
    ("per_question_language", "Per question language", lambda it: question_language(it) if it.get("pair") else None),
    ("per_format", "Per format", lambda it: it.get("format")),
    ("per_script", "Per script (the Chinese version's)", lambda it: it.get("script")),
    ("per_document", "Per document", _document),
]


def summarize(items: list[dict], results: list[dict], meta: dict | None = None) -> dict:
    by_id = {it["id"]: it for it in items}
    out = {"meta": meta or {}, "overall": _agg(results)}
    for key, _, group_of in GROUPS:
        groups: dict[str, list[dict]] = defaultdict(list)
        for r in results:
            g = group_of({k: r[k] for k in ("question", *WHERE) if k in r} | by_id.get(r["id"], {}))
            if g is not None:
                groups[g].append(r)
        if groups or key in ("per_category", "per_direction"):
            out[key] = {k: _agg(v) for k, v in sorted(groups.items())}
    return out


def _fmt(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:.2f}" if v <= 1.0 else f"{v:.0f}"
    return str(v)


def _table(groups: dict[str, dict], cols: list[str]) -> str:
    lines = ["| group | n | " + " | ".join(cols) + " |", "|---|---|" + "---|" * len(cols)]
    for name, agg in groups.items():
        lines.append(f"| {name} | {agg['n']} | " + " | ".join(_fmt(agg.get(c)) for c in cols) + " |")
    return "\n".join(lines)


def write_report(out_dir: Path, items: list[dict], results: list[dict], meta: dict | None = None) -> dict:
    summary = summarize(items, results, meta)
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    plots = write_plots(out_dir, summary, results)
    o = summary["overall"]
    cols = ["pass rate", "citation hit", "keywords", "language match", "recall@3", "unanswerable refused", "false refusals",
            "unsupported claims (answers)"]
    md = [f"# Evaluation report: {meta.get('pipeline', '') if meta else ''}", ""]
    if meta:
        md.append(" · ".join(f"{k}: `{v}`" for k, v in meta.items()))
        md.append("")
    md += ["## Overall", "", "| metric | value |", "|---|---|"]
    md += [f"| {k} | {_fmt(v)} |" for k, v in o.items()]
    for key, heading, _ in GROUPS:
        if key in summary:
            md += ["", f"## {heading}", "", _table(summary[key], cols)]
    md += ["", "## Plots", ""] + [f"![{p.stem}]({p.name})" for p in plots]
    failed = [r for r in results if not r["metrics"]["pass"]]
    if failed:
        md += ["", "## Questions that did not pass", "", "| id | question | answer |", "|---|---|---|"]
        for r in failed:
            ans = (r.get("answer") or "").replace("|", "\\|").replace("\n", " ")[:220]
            md.append(f"| {r['id']} | {r['question'].replace('|', '/')} | {ans} |")
    claimed = [r for r in results if r["metrics"].get("unsupported_claims")]
    if claimed:
        md += ["", "## Answers with claims their citations do not state", "",
               "| id | claims | answer |", "|---|---|---|"]
        for r in claimed:
            ans = (r.get("answer") or "").replace("|", "\\|").replace("\n", " ")[:220]
            md.append(f"| {r['id']} | {', '.join(r['metrics']['unsupported_claims'])} | {ans} |")
    (out_dir / "report.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    return summary


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [n for n in ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC") if n in names]
    plt.rcParams["font.family"] = ["DejaVu Sans"] + cjk
    return plt


def write_plots(out_dir: Path, summary: dict, results: list[dict]) -> list[Path]:
    plt = _plt()
    paths = []
    cats = summary["per_category"]
    fig, ax = plt.subplots(figsize=(9, 4))
    names = list(cats)
    ax.bar(names, [cats[c]["pass rate"] or 0 for c in names], color="#3b82f6")
    ax.set_ylim(0, 1)
    ax.set_ylabel("pass rate")
    ax.set_title("Pass rate per category")
    ax.tick_params(axis="x", rotation=30)
    for i, c in enumerate(names):
        ax.text(i, (cats[c]["pass rate"] or 0) + 0.02, f"{cats[c]['pass rate'] or 0:.2f}", ha="center", fontsize=8)
    fig.tight_layout()
    paths.append(out_dir / "accuracy_per_category.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(5, 4))
    ks = [1, 3, 5, 10]
    o = summary["overall"]
    ax.plot(ks, [o.get(f"recall@{k}") or 0 for k in ks], marker="o", label="any language")
    ax.plot(ks, [o.get(f"recall@{k} (language-specific)") or 0 for k in ks], marker="s", label="gold language")
    ax.set_xlabel("k (paragraphs)")
    ax.set_ylabel("recall@k")
    ax.set_ylim(0, 1.02)
    ax.set_title("Retrieval recall@k")
    ax.legend()
    fig.tight_layout()
    paths.append(out_dir / "recall_at_k.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(7, 4))
    series = {t: [r["timings_ms"].get(t, 0) / 1000 for r in results if r.get("timings_ms", {}).get(t)] for t in ("retrieve", "first_token", "total")}
    ax.boxplot([series[t] or [0] for t in series], tick_labels=list(series))
    ax.set_ylabel("seconds")
    ax.set_title("Latency per question")
    fig.tight_layout()
    paths.append(out_dir / "latency.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


def compare(dirs: list[Path], out: Path | None = None) -> str:
    sums = []
    for d in dirs:
        p = d / "summary.json"
        if not p.exists():
            from rag.errors import InputError

            raise InputError(f"{d} has no summary.json", hint="run `rag eval run` into it first")
        sums.append(json.loads(p.read_text()))
    labels = [s["meta"].get("pipeline") or d.name for s, d in zip(sums, dirs)]
    keys = [k for k, _ in HEADLINE] + ["first_token p50 ms", "total p50 ms"]
    lines = ["| metric | " + " | ".join(labels) + " |", "|---|" + "---|" * len(labels)]
    for k in keys:
        lines.append(f"| {k} | " + " | ".join(_fmt(s["overall"].get(k)) for s in sums) + " |")
    table = "\n".join(lines)
    if out:
        plt = _plt()
        fig, ax = plt.subplots(figsize=(9, 4))
        show = ["pass rate", "citation hit", "keywords", "language match", "recall@3", "unanswerable refused"]
        width = 0.8 / len(sums)
        for i, (s, lab) in enumerate(zip(sums, labels)):
            ax.bar([j + i * width for j in range(len(show))], [s["overall"].get(k) or 0 for k in show], width, label=lab)
        ax.set_xticks([j + width * (len(sums) - 1) / 2 for j in range(len(show))], show, rotation=20)
        ax.set_ylim(0, 1.05)
        ax.legend()
        ax.set_title("Pipelines compared")
        fig.tight_layout()
        fig.savefig(out, dpi=110)
        plt.close(fig)
    return table
