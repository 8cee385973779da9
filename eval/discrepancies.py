"""Measure the alignment's links and the discrepancy detector against the labelled set.

    python -m eval.discrepancies [--split dev|test|all] [--vectors DIR] [--corpus DIR] [--json OUT]

Each labelled pair of ``eval/sets/discrepancies.jsonl`` is ingested the way ``rag ingest --pair``
does it (parse, embed, align; nothing is stored), its labels are located by their paragraph texts,
and two things are scored per split (``../shared/corpus/real/SPLIT.md``):

- the alignment: of the links that touch a labelled paragraph, the share the labels confirm (link
  precision); the share of labelled links found (link recall); the share of paragraphs labelled as
  having no counterpart that the alignment leaves without one (gap recall);
- the detector (``rag.diff``): per kind, a finding is right when a label of that kind shares a
  paragraph with it, wrong when it touches only labelled paragraphs of no such label; a label is
  found when a finding of its kind shares a paragraph with it. Findings on unlabelled paragraphs are
  neither.

``--vectors DIR`` keeps the paragraph vectors between runs (the embedder is the slow part).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from eval.real_corpus import SPLITS, pairs, split_names

SET = Path(__file__).resolve().parent / "sets" / "discrepancies.jsonl"
KINDS = ("missing", "numbers", "names", "structure", "stale")


@dataclass(frozen=True)
class Label:
    doc: str
    pair: str
    kind: str
    en: str
    zh: str
    note: str


@dataclass(frozen=True)
class Located:
    """A label with the paragraph numbers its texts are in this parse of the pair."""

    label: Label
    en: tuple[int, ...]
    zh: tuple[int, ...]


def load_labels(path: Path = SET) -> list[Label]:
    return [Label(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_split(corpus: Path) -> dict[str, str]:
    """``FOLDER/NAME`` → dev | test, from the corpus's SPLIT.md (``eval.real_corpus.split_names``)."""
    return {name: split for split in SPLITS for name in split_names(corpus / "SPLIT.md", split)}


def _find(paras: list, texts: list[str], start: int) -> int:
    """Index of the first run of paragraphs from ``start`` whose texts are ``texts``; -1 when none."""
    for i in range(start, len(paras) - len(texts) + 1):
        if all(paras[i + k].text == t for k, t in enumerate(texts)):
            return i
    return -1


def locate(doc, labels: list[Label]) -> list[Located]:
    """Paragraph numbers of each label, reading the labels in document order: a text that occurs twice
    is the next occurrence after the previous label's (the same one when the label repeats it)."""
    sides = {lang: [p for p in doc.paragraphs if p.lang == lang and p.n > 0] for lang in ("en", "zh")}
    at = {"en": 0, "zh": 0}
    last = {"en": ("", ()), "zh": ("", ())}
    out = []
    for lab in labels:
        found = {}
        for lang in ("en", "zh"):
            text = getattr(lab, lang)
            if not text:
                found[lang] = ()
            elif text == last[lang][0]:
                found[lang] = last[lang][1]
            else:
                parts = text.split("\n\n") if _find(sides[lang], [text], at[lang]) < 0 else [text]
                i = _find(sides[lang], parts, at[lang])
                if i < 0:
                    raise SystemExit(f"{lab.doc}: label text not found in the {lang} version: {text[:80]!r}")
                found[lang] = tuple(p.n for p in sides[lang][i : i + len(parts)])
                at[lang] = i + len(parts)
                last[lang] = (text, found[lang])
        out.append(Located(lab, found["en"], found["zh"]))
    return out


def link_scores(doc, located: list[Located]) -> Counter:
    """Counts for the alignment's precision and recall on the labelled paragraphs."""
    gold: set[tuple[int, int]] = set()
    gaps: set[tuple[str, int]] = set()
    judged_en: set[int] = set()
    judged_zh: set[int] = set()
    for loc in located:
        judged_en.update(loc.en)
        judged_zh.update(loc.zh)
        if loc.en and loc.zh:
            gold.update((a, b) for a in loc.en for b in loc.zh)
        else:
            gaps.update(("en", n) for n in loc.en)
            gaps.update(("zh", n) for n in loc.zh)
    links = {(a, b) for a, b in doc.alignment if a > 0 and b > 0}
    judged = {(a, b) for a, b in links if a in judged_en or b in judged_zh}
    linked = {("en", a) for a, _ in links} | {("zh", b) for _, b in links}
    return Counter(links=len(judged), right=len(judged & gold), gold=len(gold), found=len(gold & links),
                   gaps=len(gaps), gaps_left=len(gaps - linked))


def finding_scores(findings, located: list[Located]) -> tuple[Counter, list[str]]:
    """Per kind: tp/fp (findings) and found/labels (labels); the wrong findings' and the labels not
    found, described."""
    c: Counter = Counter()
    wrong: list[str] = []
    labelled_en = {n for loc in located for n in loc.en}
    labelled_zh = {n for loc in located for n in loc.zh}
    by_kind: dict[str, list[Located]] = defaultdict(list)
    for loc in located:
        by_kind[loc.label.kind].append(loc)

    def touches(f, loc: Located) -> bool:
        return bool(set(f.en) & set(loc.en)) or bool(set(f.zh) & set(loc.zh))

    differing = [loc for loc in located if loc.label.kind != "none"]
    for f in findings:
        if not (set(f.en) & labelled_en or set(f.zh) & labelled_zh):
            continue
        if any(touches(f, loc) for loc in by_kind[f.kind]):
            c[f"{f.kind}.tp"] += 1
        else:
            c[f"{f.kind}.fp"] += 1
            other = any(touches(f, loc) for loc in differing)
            c[f"{f.kind}.fp_on_other_kind"] += other
            wrong.append(f"{f.kind} {f.where}{' (labelled another kind)' if other else ''}: {f.reason}")
    for kind in KINDS:
        for loc in by_kind[kind]:
            c[f"{kind}.labels"] += 1
            if any(f.kind == kind and touches(f, loc) for f in findings):
                c[f"{kind}.found"] += 1
            else:
                wrong.append(f"not found: {kind} EN {loc.en} ZH {loc.zh}: {loc.label.note}")
    return c, wrong


class CachedVectors:
    """The embedder's ``embed_titled``, remembered on disk by text and title (the eval's slow part)."""

    def __init__(self, embedder, path: Path | None) -> None:
        self.embedder = embedder
        self.path = path
        self.cache: dict[str, list[float]] = {}
        if path is not None and path.exists():
            self.cache = pickle.loads(path.read_bytes())

    @staticmethod
    def _key(text: str, title: str) -> str:
        return hashlib.sha1(f"{title}\x00{text}".encode()).hexdigest()

    def embed_titled(self, texts: list[str], titles: list[str]) -> list[list[float]]:
        keys = [self._key(t, h) for t, h in zip(texts, titles)]
        todo = [i for i, k in enumerate(keys) if k not in self.cache]
        if todo:
            vecs = self.embedder.embed_titled([texts[i] for i in todo], [titles[i] for i in todo])
            self.cache.update({keys[i]: v for i, v in zip(todo, vecs)})
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_bytes(pickle.dumps(self.cache))
        return [self.cache[k] for k in keys]


def prepare(pair: str, corpus: Path, indexer, doc_id: str):
    """The pair's document as `rag ingest --pair` aligns it (not stored)."""
    found = next((p for p in pairs(corpus) if p.pair == pair), None)
    if found is None:
        raise SystemExit(f"{corpus} has no pair {pair} (NAME.en.* + NAME.zh[-Hant].*)")
    return indexer.prepare_pair(found.en, found.zh, doc_id)


def rates(c: Counter) -> dict:
    def ratio(a: str, b: str) -> float | None:
        return round(c[a] / c[b], 3) if c[b] else None

    out = {"links": {"precision": ratio("right", "links"), "recall": ratio("found", "gold"),
                     "gap_recall": ratio("gaps_left", "gaps"), "judged": c["links"], "gaps": c["gaps"]}}
    for kind in KINDS:
        found = c[f"{kind}.tp"] + c[f"{kind}.fp"]
        out[kind] = {"precision": round(c[f"{kind}.tp"] / found, 3) if found else None,
                     "recall": ratio(f"{kind}.found", f"{kind}.labels"), "findings": found,
                     "labels": c[f"{kind}.labels"],
                     # a wrong finding on paragraphs labelled with another kind of discrepancy
                     "wrong_on_other_kind": c[f"{kind}.fp_on_other_kind"]}
    return out


def run(split: str, corpus: Path, vectors: Path | None, detect: bool = True, only: list[str] | None = None) -> dict:
    from ingest.indexer import Indexer
    from rag.compose import App

    labels = load_labels()
    splits = read_split(corpus)
    app = App()
    indexer = Indexer(app.store, CachedVectors(app.embedder, vectors), app.settings.chunk_chars,
                      app.settings.chunk_overlap_sentences)
    by_doc: dict[str, list[Label]] = defaultdict(list)
    for lab in labels:
        if (split == "all" or splits[lab.pair] == split) and (not only or lab.doc in only):
            by_doc[lab.doc].append(lab)
    totals: dict[str, Counter] = defaultdict(Counter)
    wrong: dict[str, list[str]] = {}
    per_doc = {}
    for doc_id, labs in by_doc.items():
        part = splits[labs[0].pair]
        doc = prepare(labs[0].pair, corpus, indexer, doc_id)
        located = locate(doc, labs)
        c = link_scores(doc, located)
        if detect:
            from rag.diff import discrepancies

            fc, wrong[doc_id] = finding_scores(discrepancies(doc), located)
            c += fc
        totals[part] += c
        per_doc[doc_id] = rates(c)
    return {"splits": {k: rates(v) for k, v in totals.items()}, "docs": per_doc, "wrong": wrong}


def time_diff(pair: str, doc_id: str, corpus: Path, vectors: Path | None, runs: int = 5) -> dict:
    """Seconds `rag diff` takes on a stored pair: the document record read and the detector run in
    this process (best of ``runs``), and the command end to end (a new process: imports, index open)."""
    import subprocess

    from rag.diff import discrepancies
    from ingest.indexer import Indexer
    from rag.compose import App

    app = App()
    indexer = Indexer(app.store, CachedVectors(app.embedder, vectors), app.settings.chunk_chars,
                      app.settings.chunk_overlap_sentences)
    doc = prepare(pair, corpus, indexer, doc_id)
    app.store.write_document(doc, [])  # the record `rag diff` reads (its chunks are not needed)
    inside = []
    for _ in range(runs):
        t0 = time.perf_counter()
        found = discrepancies(app.store.get_document(doc_id))
        inside.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "rag", "diff", doc_id, "--json"], capture_output=True, text=True,
                         check=True)
    command = time.perf_counter() - t0
    return {"pair": pair, "paragraphs": {lang: doc.body_count(lang) for lang in ("en", "zh")},
            "discrepancies": len(found), "records": len(out.stdout.splitlines()),
            "in_process_s": round(min(inside), 3), "command_s": round(command, 2)}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m eval.discrepancies")
    ap.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    ap.add_argument("--corpus", type=Path, default=None, help="the real corpus (default: RAG_EVAL_CORPUS)")
    ap.add_argument("--vectors", type=Path, default=None, help="a file to keep paragraph vectors in between runs")
    ap.add_argument("--links-only", action="store_true", help="measure the alignment only")
    ap.add_argument("--doc", action="append", default=None, help="only this labelled document (repeatable)")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--time", metavar="FOLDER/NAME", help="time `rag diff` on this pair instead")
    args = ap.parse_args(argv)
    if args.corpus is None:
        from rag.settings import Settings

        args.corpus = Settings().eval_corpus
    t0 = time.perf_counter()
    if args.time:
        print(json.dumps(time_diff(args.time, args.time.split("/")[1], args.corpus, args.vectors)))
        return
    result = run(args.split, args.corpus, args.vectors, detect=not args.links_only, only=args.doc)
    print(json.dumps(result["splits"], indent=1))
    for doc, r in result["docs"].items():
        print(doc, json.dumps(r["links"]))
    for doc, items in result["wrong"].items():
        for w in items:
            print(f"  wrong {doc}: {w[:200]}")
    print(f"{time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
