"""Retrieval alone, no model call: is a gold paragraph in the aligned pairs an answer reads?

    python -m eval.retrieval eval/sets/real.jsonl eval/sets/real2.jsonl
    RAG_LEXICAL_WEIGHT=2 python -m eval.retrieval eval/sets/real.jsonl

For each answerable question with gold (``gold_text``, or ``gold_paragraphs``), the rank of the first
pair (``Retriever.pairs``) holding a gold paragraph in either language, then the share of questions
whose gold is in the top 1, 2, 3 and 5 pairs, and the questions whose gold is outside the pairs the
select call reads (``select_pairs``). Seconds per set instead of the minutes of ``rag eval run``: what a retrieval
setting is chosen with (docs/eval.md).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from eval.metrics import text_gold
from eval.runner import load_set

KS = (1, 2, 3, 5)


@dataclass(frozen=True)
class SetRanks:
    name: str
    ranks: dict[str, int | None]  # question id → rank of the first gold pair (None: not in the top 5)
    context: int  # pairs an answer reads

    def hits(self, k: int) -> int:
        return sum(1 for r in self.ranks.values() if r is not None and r <= k)

    def line(self) -> str:
        n = len(self.ranks)
        shares = " · ".join(f"top {k}: {self.hits(k)}/{n}" for k in KS)
        outside = [f"{i} ({r or '>5'})" for i, r in self.ranks.items() if r is None or r > self.context]
        return f"{self.name}: {shares}; outside the context: {', '.join(outside) or 'none'}"


def is_gold(item: dict, hit) -> bool:
    """A gold paragraph in either language (the pair holds both)."""
    if hit is None:
        return False
    if item.get("gold_text"):
        return text_gold({**item, "gold_lang": None}, {"text": hit.text, "lang": hit.lang})
    return hit.paragraph in (item.get("gold_paragraphs") or [])


def rank_set(retriever, path: Path, context: int, items: list[dict] | None = None) -> SetRanks:
    ranks: dict[str, int | None] = {}
    for item in load_set(path) if items is None else items:
        if not item.get("answerable", True) or not (item.get("gold_text") or item.get("gold_paragraphs")):
            continue
        pairs, _ = retriever.pairs(item["question"], k=max(KS), docs=item.get("docs"))
        ranks[item["id"]] = next((i for i, p in enumerate(pairs, 1) if is_gold(item, p.en) or is_gold(item, p.zh)), None)
    return SetRanks(path.stem, ranks, context)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m eval.retrieval", description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", type=Path, help="question sets (JSONL)")
    args = ap.parse_args(argv)
    from rag.compose import App
    from rag.errors import RagError
    from rag.settings import Settings

    try:
        sets = [(path, load_set(path)) for path in args.sets]  # every set read before any model loads
        app = App(Settings())
        for path, items in sets:
            print(rank_set(app.retriever, path, app.settings.select_pairs, items).line())
    except RagError as e:  # a missing set or model, a damaged index: what to do, not a traceback
        raise SystemExit(f"Error: {e.user_message()}") from None


if __name__ == "__main__":
    main()
