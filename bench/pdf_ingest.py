"""Ingest time of a ~30-page PDF pair against embedding its text alone (issue #34's target: ≤ 1.2×).

    .venv/bin/python -m bench.pdf_ingest [--pages 30] [--fake] [--corpus DIR] [--markdown PAIR]

Dev Markdown pairs of the real corpus are typeset (``eval.pdf_samples.typeset``: two columns on page
1, fake-bold headings, running headers) into an English and a Chinese PDF of at least ``--pages``
pages each; then, with the model loaded, the pair is ingested into a fresh index (parse, embed,
align, store) and, apart, the same chunks' texts are encoded by the bare model. Prints one JSON line.
``--markdown antd/build-ghost``: that corpus pair as it is (its paragraphs of very different lengths:
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


def make_pair(corpus: Path, pages: int, folder: Path) -> tuple[Path, Path]:
    """The dev pairs, one after another, typeset until both PDFs have ``pages`` pages."""
    import pymupdf

    from eval.pdf_samples import typeset

    blocks: dict[str, list] = {"en": [], "zh": []}
    for name in SOURCES:
        folder_, stem = (corpus / name).parent, (corpus / name).name
        for lang, pattern in (("en", f"{stem}.en.md"), ("zh", f"{stem}.zh*.md")):
            blocks[lang] += _blocks(sorted(folder_.glob(pattern))[0])
        out = {lang: typeset(lang, blocks[lang]) for lang in ("en", "zh")}
        if all(pymupdf.open(stream=data).page_count >= pages for data in out.values()):
            break
    paths = []
    for lang in ("en", "zh"):
        (folder / f"bench.{lang}.pdf").write_bytes(out[lang])
        paths.append(folder / f"bench.{lang}.pdf")
    return paths[0], paths[1]


def markdown_pair(corpus: Path, pair: str) -> tuple[Path, Path]:
    folder, stem = (corpus / pair).parent, (corpus / pair).name
    found = [sorted(folder.glob(pattern)) for pattern in (f"{stem}.en.md", f"{stem}.zh*.md")]
    if not all(found):
        raise SystemExit(f"{corpus} has no Markdown pair {pair} (NAME.en.md + NAME.zh.md)")
    return found[0][0], found[1][0]


def run(pages: int, fake: bool, corpus: Path, markdown: str | None = None) -> dict:
    import pymupdf

    from ingest.chunk import chunk_document
    from ingest.indexer import indexer_for
    from ingest.loaders import parse_path
    from rag.index.embedder import SentenceTransformerEmbedder

    folder = Path(tempfile.mkdtemp())
    en, zh = markdown_pair(corpus, markdown) if markdown else make_pair(corpus, pages, folder)
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
    pages_of = {lang: pymupdf.open(p).page_count for lang, p in (("en", en), ("zh", zh))} if not markdown else None
    return {"pages": pages_of,
            "paragraphs": len(doc.paragraphs), "chunks": len(texts), "parse_s": round(parse, 2),
            "ingest_s": round(ingest, 2), "bare_encode_s": bare and round(bare, 2),
            "ratio": bare and round(ingest / bare, 2)}


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.pdf_ingest", description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=30)
    ap.add_argument("--fake", action="store_true", help="the hashing embedder (a smoke run, no timing)")
    ap.add_argument("--corpus", default=str(CORPUS))
    ap.add_argument("--markdown", metavar="PAIR", help="a Markdown pair of the corpus as it is (FOLDER/NAME), not typeset PDFs")
    args = ap.parse_args(argv)
    if not Path(args.corpus).is_dir():
        raise SystemExit(f"{args.corpus}: no such folder; give the real corpus with --corpus")
    print(json.dumps(run(args.pages, args.fake, Path(args.corpus), args.markdown)))


if __name__ == "__main__":
    main(sys.argv[1:])
