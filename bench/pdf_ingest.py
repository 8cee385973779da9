"""Ingest time of a ~30-page PDF pair against embedding its text alone (issue #34's target: ≤ 1.2×).

    .venv/bin/python -m bench.pdf_ingest [--pages 30] [--fake] [--corpus DIR] [--pair FOLDER/NAME]

Dev Markdown pairs of the real corpus are typeset (``eval.pdf_samples.typeset``: two columns on page
1, fake-bold headings, running headers) into an English and a Chinese PDF of at least ``--pages``
pages each; then, with the model loaded, the pair is ingested into a fresh index (parse, embed,
align, store) and, apart, the same chunks' texts are encoded by the bare model. Prints one JSON line.
``--pair antd/build-ghost``: that corpus pair as it is (its paragraphs of very different lengths:
list items, code, long prose), not typeset.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.run import make_app

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
SOURCES = ("opensource_guide/legal", "opensource_guide/leadership-and-governance", "vuejs_docs/faq",
           "dolphinscheduler/architecture-design", "antd/contributor-development-maintenance-guide")


def _blocks(path: Path) -> list[tuple[str, str]]:
    from ingest.loaders import parse_path

    kinds = {"heading": "heading", "list": "list"}
    return [(kinds.get(b.kind, "prose"), " ".join(b.text.split())) for b in parse_path(path).blocks if b.text.strip()]


def corpus_pairs(corpus: Path, names) -> list:
    """The corpus pairs named FOLDER/NAME (``eval.real_corpus.pairs``), in the order named."""
    from eval.real_corpus import pairs

    by_name = {p.pair: p for p in pairs(corpus)}
    missing = [n for n in names if n not in by_name]
    if missing:
        raise SystemExit(f"{corpus} has no pair {', '.join(missing)} (NAME.en.* + NAME.zh[-Hant].*)")
    return [by_name[n] for n in names]


def make_pair(corpus: Path, pages: int, folder: Path) -> tuple[Path, Path]:
    """The dev pairs, one after another, typeset until both PDFs have ``pages`` pages."""
    import pymupdf

    from eval.pdf_samples import typeset

    blocks: dict[str, list] = {"en": [], "zh": []}
    for pair in corpus_pairs(corpus, SOURCES):
        blocks["en"] += _blocks(pair.en)
        blocks["zh"] += _blocks(pair.zh)
        out = {lang: typeset(lang, blocks[lang]) for lang in ("en", "zh")}
        if all(pymupdf.open(stream=data).page_count >= pages for data in out.values()):
            break
    paths = []
    for lang in ("en", "zh"):
        (folder / f"bench.{lang}.pdf").write_bytes(out[lang])
        paths.append(folder / f"bench.{lang}.pdf")
    return paths[0], paths[1]


def run(pages: int, fake: bool, corpus: Path, pair: str | None = None) -> dict:
    import pymupdf

    from ingest.chunk import chunk_document
    from ingest.indexer import indexer_for
    from ingest.loaders import parse_path
    from rag.index.embedder import SentenceTransformerEmbedder

    folder = Path(tempfile.mkdtemp())
    if pair:
        [found] = corpus_pairs(corpus, [pair])
        en, zh = found.en, found.zh
    else:
        en, zh = make_pair(corpus, pages, folder)
    app = make_app(folder / "home", fake)
    app.embedder.warm_up()  # loading the model is start-up, not ingest
    t0 = time.perf_counter()
    parse_path(en), parse_path(zh)
    parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    doc = indexer_for(app).prepare_pair(en, zh, "bench-pair")
    indexer_for(app).write([doc], progress=False)
    ingest = time.perf_counter() - t0
    texts = [c.text for c in chunk_document(doc, app.settings.chunk_chars)]
    bare = None
    if isinstance(app.embedder, SentenceTransformerEmbedder):
        m = app.embedder.model
        t0 = time.perf_counter()
        m.encode(texts, batch_size=app.settings.embedding_batch_size,
                 prompt_name="document" if "document" in (m.prompts or {}) else None)
        bare = time.perf_counter() - t0
    pages_of = None if pair else {lang: pymupdf.open(p).page_count for lang, p in (("en", en), ("zh", zh))}
    return {"pages": pages_of,
            "paragraphs": len(doc.paragraphs), "chunks": len(texts), "parse_s": round(parse, 2),
            "ingest_s": round(ingest, 2), "bare_encode_s": bare and round(bare, 2),
            "ratio": bare and round(ingest / bare, 2)}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.pdf_ingest", description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=30)
    ap.add_argument("--fake", action="store_true", help="the hashing embedder (a smoke run, no timing)")
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--pair", metavar="FOLDER/NAME", help="a pair of the corpus as it is (any format), not typeset PDFs")
    args = ap.parse_args(argv)
    if not Path(args.corpus).is_dir():
        raise SystemExit(f"{args.corpus}: no such folder; give the real corpus with --corpus")
    print(json.dumps(run(args.pages, args.fake, Path(args.corpus), args.pair)))


if __name__ == "__main__":
    main(sys.argv[1:])
