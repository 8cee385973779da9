"""One report for several pipelines asked the same questions of one library (``rag eval run --split``):
summary.json, report.md and pass_rate.png in the run folder, beside each pipeline's own report."""

from __future__ import annotations

import json
from pathlib import Path

from eval.report import GROUPS, _fmt, _plt, write_report

# (label, summary key): the headline rows, one column per pipeline
HEADLINE = [
    ("questions", "n"),
    ("pass rate", "pass rate"),
    ("unanswerable refused (refusal recall)", "unanswerable refused"),
    ("refusal precision", "refusal precision"),
    ("false refusals (share of answerable)", "false refusals"),
    ("false refusals (count)", "false refusals (count)"),
    ("answers with unsupported claims", "unsupported claims (answers)"),
    ("gold cited", "citation hit"),
    ("keywords", "keywords"),
    ("language match", "language match"),
    *((f"recall@{k} (gold text in the top {k} paragraphs)", f"recall@{k}") for k in (1, 3, 5, 10)),
    *((f"{t} p{p} ms", f"{t} p{p} ms") for t in ("total", "first_token") for p in (50, 90)),
]
BREAKDOWN = ["per_format", "per_script", "per_question_language", "per_kind", "per_category", "per_document"]
PLOTTED = [("per_format", "format"), ("per_kind", "question kind")]


def write_library_report(out: Path, items: list[dict], runs: list, meta: dict) -> dict:
    """Each pipeline's report in ``out/NAME/``; the pipelines side by side in ``out``. ``runs``:
    eval.runner.PipelineRun, one per pipeline."""
    pipelines = {}
    for r in runs:
        pmeta = {**meta, "pipeline": r.name, "model calls": f"{r.replayed} replayed, {r.asked} asked the model"}
        pipelines[r.name] = write_report(out / r.name, items, r.results, pmeta)
    summary = {"meta": meta, "pipelines": pipelines}
    (out / "summary.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    plot = _plot(out / "pass_rate.png", pipelines)
    (out / "report.md").write_text(_markdown(summary, runs, plot), encoding="utf-8")
    return summary


def _markdown(summary: dict, runs: list, plot: Path | None) -> str:
    meta, pipelines = summary["meta"], summary["pipelines"]
    names = list(pipelines)
    md = [f"# Library evaluation: {meta.get('split', '')} split, {' vs '.join(names)}", ""]
    md += [" · ".join(f"{k}: `{v}`" for k, v in meta.items() if k != "library"), ""]
    if meta.get("library"):
        lib = meta["library"]
        md += [f"Library: {lib['pairs']} pairs in `{lib['home']}`, key `{lib['key']}` ({lib['status']}: {lib['reason']}).", ""]
    md += ["Model calls: " + "; ".join(f"{r.name} {r.replayed} replayed, {r.asked} asked the model" for r in runs), ""]
    md += ["## Headline", "", "| metric | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    md += [f"| {label} | " + " | ".join(_fmt(pipelines[n]["overall"].get(key)) for n in names) + " |" for label, key in HEADLINE]
    headings = {key: heading for key, heading, _ in GROUPS}
    for key in BREAKDOWN:
        groups = sorted({g for n in names for g in pipelines[n].get(key, {})})
        if not groups:
            continue
        md += ["", f"## {headings[key]}: pass rate (recall@5)", "", "| group | n | " + " | ".join(names) + " |",
               "|---|---|" + "---|" * len(names)]
        for g in groups:
            cells = [pipelines[n].get(key, {}).get(g) for n in names]
            n_q = next(c["n"] for c in cells if c)
            md.append(f"| {g} | {n_q} | " + " | ".join(
                f"{_fmt(c['pass rate'])} ({_fmt(c['recall@5'])})" if c else "–" for c in cells) + " |")
    if plot:
        md += ["", f"![pass rate per format and question kind]({plot.name})"]
    md += ["", "## Each pipeline", ""] + [f"- [{n}]({n}/report.md): every breakdown, the questions that did not "
                                          f"pass, the answers with unsupported claims" for n in names]
    return "\n".join(md) + "\n"


def _plot(path: Path, pipelines: dict[str, dict]) -> Path | None:
    shown = [(key, label) for key, label in PLOTTED if any(p.get(key) for p in pipelines.values())]
    if not shown:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, len(shown), figsize=(6 * len(shown), 3.6), squeeze=False)
    width = 0.8 / len(pipelines)
    for ax, (key, label) in zip(axes[0], shown):
        groups = sorted({g for p in pipelines.values() for g in p.get(key, {})})
        for i, (name, s) in enumerate(pipelines.items()):
            rates = [(s.get(key, {}).get(g) or {}).get("pass rate") or 0 for g in groups]
            ax.bar([j + i * width for j in range(len(groups))], rates, width, label=name)
        ax.set_xticks([j + width * (len(pipelines) - 1) / 2 for j in range(len(groups))], groups, rotation=20)
        ax.set_ylim(0, 1.05)
        ax.set_title(f"pass rate per {label}")
    axes[0][0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
