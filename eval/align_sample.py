"""Alignment precision on the hand-checked sample of real links (``tests/data/alignment_sample.jsonl``).

    python -m eval.align_sample [--pairs NAME,NAME]

The sample holds, per real Markdown pair, English paragraphs drawn at random from the aligner's links
(seed 7) with the Chinese paragraphs that really translate them, read in both languages by hand (a
wrong link is left out of ``zh``; an empty ``zh`` means no counterpart). Each pair is parsed and
aligned with the configured (real) embedder, nothing stored, and scored: link precision, counterparts
found, unaligned share. The test suite checks one small pair; this command checks all of them.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eval.real_corpus import lang_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FILE = ROOT / "tests" / "data" / "alignment_sample.jsonl"
REAL = ROOT.parent / "shared" / "corpus" / "real"


def load_sample(path: Path = SAMPLE_FILE) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]


def sampled_pairs(real: Path = REAL, sample: list[dict] | None = None) -> dict[str, Path]:
    """The sample's pair ids (as ingest gives them) and each pair's path stem (``DIR/NAME``)."""
    ids = {x["pair"] for x in (sample or load_sample())}
    stems = sorted(p.with_name(p.name.replace(".en.md", "")) for p in real.glob("*/*.en.md"))
    return {doc_id(s): s for s in stems if doc_id(s) in ids}


def doc_id(stem: Path) -> str:
    return "qwen_readme" if stem.parent.name == "qwen_readme" else stem.name


def prepare(indexer, stem: Path):
    return indexer.prepare_pair(lang_file(stem, "en"), lang_file(stem, "zh"), doc_id(stem))


def precision(doc, sample: list[dict]) -> tuple[int, int, int, int]:
    """(correct links, links, gold counterparts found, gold counterparts) over the sampled paragraphs."""
    correct = links = found = gold = 0
    for item in sample:
        matches = [p for p in doc.by_lang("en") if p.n > 0 and p.text.startswith(item["en"])]
        p = matches[item["nth"]]
        twins = [doc.get("zh", z) for z in doc.twins("en", p.n)]
        links += len(twins)
        correct += sum(1 for z in twins if any(z.text.startswith(g) for g in item["zh"]))
        gold += len(item["zh"])
        found += sum(1 for g in item["zh"] if any(z.text.startswith(g) for z in twins))
    return correct, links, found, gold


def score(doc, sample: list[dict]) -> dict:
    correct, links, found, gold = precision(doc, [s for s in sample if s["pair"] == doc.doc_id])
    body = doc.body_count("en") + doc.body_count("zh")
    return {"pair": doc.doc_id, "precision": round(correct / max(links, 1), 3), "links": links,
            "found": round(found / max(gold, 1), 3), "gold": gold, "unaligned": round(len(doc.unaligned) / max(body, 1), 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m eval.align_sample", description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", default="", help="comma-separated pair ids (default: every sampled pair)")
    args = ap.parse_args(argv)
    from ingest.indexer import indexer_for
    from rag.compose import App
    from rag.settings import Settings

    sample, pairs = load_sample(), sampled_pairs()
    wanted = [p for p in args.pairs.split(",") if p] or sorted(pairs)
    unknown = [p for p in wanted if p not in pairs]
    if unknown:
        print(f"no sampled pair {', '.join(unknown)}; sampled: {', '.join(sorted(pairs))}", file=sys.stderr)
        return 2
    import tempfile

    with tempfile.TemporaryDirectory() as home:
        indexer = indexer_for(App(Settings(home=Path(home), llm_model="fake")))
        print("| pair | link precision | counterparts found | unaligned |\n|---|---|---|---|")
        for name in wanted:
            s = score(prepare(indexer, pairs[name]), sample)
            print(f"| {s['pair']} | {s['precision']:.3f} ({s['links']} links) | {s['found']:.3f} of {s['gold']} | {s['unaligned']:.1%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
