"""How well ingest reads PDF, DOCX and HTML pairs: paragraphs as a reader sees them (issue #34).

    python -m eval.ingest_quality [--formats pdf,docx,html] [--samples] --json OUT.json
    python -m eval.ingest_quality --table RUN.json [BEFORE.json] [--out docs/eval-ingest.md]

Every pair of the real corpus (``NAME.en.EXT`` + ``NAME.zh*.EXT``) and, with ``--samples``, the sample
PDFs of ``eval.pdf_samples`` are parsed and aligned with the configured (real) embedder, nothing
stored. Per pair and language: body paragraphs; unaligned paragraphs (share); prose paragraphs cut
mid-sentence (``cut_mid_sentence``: no sentence end, and prose goes on after them in the same column); duplicated paragraphs (the same text as
the paragraph before, or one text said two or more times over, as fake bold comes out); characters of
the source's text that are neither stored nor reported skipped; blocks skipped by reason.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

from rag.text.sentences import ends_sentence

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
FORMATS = ("pdf", "docx", "html")


def pairs(root: Path, formats=FORMATS) -> list[tuple[str, Path, Path]]:
    out = []
    for en in sorted(root.rglob("*.en.*")):
        ext = en.suffix.lstrip(".").lower()
        stem = en.name.split(".en.")[0]
        zh = sorted(en.parent.glob(f"{stem}.zh*.{ext}"))
        if ext in formats and zh:
            out.append((f"{en.parent.name}/{stem}", en, zh[0]))
    return out


def duplicated(prev: str, text: str) -> bool:
    """The same text as the paragraph before, or one text twice or more over ("Scope Scope", "SSccooppee")."""
    t = re.sub(r"\s+", "", text)
    return (len(t) >= 2 and t == re.sub(r"\s+", "", prev)) or bool(re.fullmatch(r"(.{2,}?)\1+", t)) or (
        len(t) >= 4 and bool(re.fullmatch(r"(?:(.)\1)+", t)))


def ends_at_break(p, nxt) -> bool:
    """A PDF paragraph followed by a page or column break (or nothing): the next one starts on a later
    page or higher up the page."""
    if nxt is None or not p.page:
        return nxt is None
    page, box = getattr(p, "page_end", None) or p.page, getattr(p, "box_end", None) or p.box
    return nxt.page != page or (box is not None and nxt.box is not None and nxt.box[1] < box[1] - 1)


def cut_mid_sentence(p, nxt) -> bool:
    """A prose paragraph cut where its sentence goes on: it ends with no sentence end and another prose
    paragraph follows on the same page and column (a heading, a list item, a formula or a table after
    it, or a page or column break, says the text stopped there, as a remark without a full stop does)."""
    return (p.kind == "prose" and nxt is not None and nxt.kind == "prose" and not ends_sentence(p.text)
            and not ends_at_break(p, nxt))


def chars(text: str) -> Counter:
    """Characters, spaces aside, and hyphens too: a word hyphenated at a line end is joined without its
    hyphen ("exam-" + "ple"), which is not text lost."""
    return Counter(c for c in text if not c.isspace() and c != "-")


def source_text(path: Path) -> str:
    """The text layer of a file, as a reader's copy-all would give it."""
    ext = path.suffix.lower()
    if ext == ".pdf":
        import pymupdf

        with pymupdf.open(path) as doc:
            return "\n".join(page.get_text() for page in doc)
    if ext == ".docx":
        import docx

        d = docx.Document(str(path))
        cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in d.paragraphs] + list(dict.fromkeys(cells)))
    import lxml.html

    from ingest.decode import decode_bytes
    from ingest.loaders import declared_charset_text

    data = path.read_bytes()  # decoded as the reader decodes it: lxml alone takes a file without <meta charset> for Latin-1
    root = lxml.html.fromstring(declared_charset_text(data) or decode_bytes(data, path.name))
    for bad in root.xpath("//script|//style|//head|//comment()"):
        bad.drop_tree()
    return root.text_content()


def measure_lang(doc, lang: str, path: Path | None) -> dict:
    paras = [p for p in doc.paragraphs if p.lang == lang and p.n > 0]
    unaligned = sum(1 for x, _ in doc.unaligned if x == lang)
    prose = [(p, paras[i + 1] if i + 1 < len(paras) else None) for i, p in enumerate(paras) if p.kind == "prose"]
    mid = sum(1 for p, nxt in prose if cut_mid_sentence(p, nxt))
    dups = sum(1 for i, p in enumerate(paras) if duplicated(paras[i - 1].text if i else "", p.text))
    skipped = [s for s in doc.skipped if s.lang == lang]
    out = {"paragraphs": len(paras), "unaligned": unaligned, "prose": len(prose), "mid_sentence": mid,
           "duplicated": dups, "skipped": dict(Counter(s.reason for s in skipped))}
    if path is not None:
        src = chars(source_text(path))  # a skip that counts its characters (PDF) is taken at its count; else its excerpt
        counted = sum(getattr(s, "chars", 0) for s in skipped)
        kept = chars("".join(p.text for p in doc.paragraphs if p.lang == lang))
        kept += chars("".join(s.what for s in skipped if not getattr(s, "chars", 0)))
        out["chars"], out["lost"] = sum(src.values()), max(0, sum((src - kept).values()) - counted)
    return out


def measure_pair(app, name: str, en: Path, zh: Path) -> dict:
    from ingest.indexer import indexer_for

    t = time.perf_counter()
    doc = indexer_for(app).prepare_pair(en, zh, "d")
    row = {"pair": name, "format": en.suffix.lstrip(".").lower(), "seconds": round(time.perf_counter() - t, 1)}
    row.update({lang: measure_lang(doc, lang, path) for lang, path in (("en", en), ("zh", zh))})
    return row


def samples(folder: Path) -> list[tuple[str, Path, Path]]:
    from eval import pdf_samples as s

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in (("report", s.sample_pdf), ("wide-over-columns", s.wide_over_columns_pdf),
                       ("bullets-apart", s.bullets_apart_pdf), ("bold-inside", s.bold_inside_pdf),
                       ("stray-glyph", s.stray_glyph_pdf), ("indented-column", s.indented_column_pdf)):
        for lang in ("en", "zh"):
            (folder / f"{name}.{lang}.pdf").write_bytes(make(lang))
        out.append((f"sample (made)/{name}", folder / f"{name}.en.pdf", folder / f"{name}.zh.pdf"))
    return out


def run(args) -> None:
    import tempfile

    from rag.compose import App

    if not Path(args.root).is_dir():
        raise SystemExit(f"{args.root}: no such folder; give the real corpus with --root")
    todo = pairs(Path(args.root), tuple(args.formats.split(",")))
    if args.samples:
        todo = samples(Path(tempfile.mkdtemp())) + todo
    todo.sort(key=lambda p: (p[0].startswith("owasp_asvs"), p[0]))  # the very long DOCX pair last
    app = App()
    rows = []
    for name, en, zh in todo:
        rows.append(measure_pair(app, name, en, zh))
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))


def _cell(m: dict, key: str, total: str) -> str:
    n, of = m[key], m[total]
    return f"{n} ({100 * n / of:.0f}%)" if of else "0"


def table(after: list[dict], before: list[dict] | None) -> str:
    """The Markdown table: one row per pair (and per run when a before run is given)."""
    head = ("| pair | run | paragraphs en / zh (zh:en) | unaligned en | unaligned zh | mid-sentence prose en | "
            "mid-sentence prose zh | duplicated en / zh | chars lost en / zh | skipped en / zh | s |")
    out = [head, "|" + "---|" * 11]
    old = {r["pair"]: r for r in before or []}
    for r in after:
        for label, row in (("before", old.get(r["pair"])), ("after" if before else "", r)):
            if row is None:
                continue
            e, z = row["en"], row["zh"]
            ratio = f"{z['paragraphs'] / e['paragraphs']:.2f}" if e["paragraphs"] else "–"
            lost = f"{e.get('lost', '–')} / {z.get('lost', '–')}"
            out.append(f"| {r['pair']} ({r['format']}) | {label} | {e['paragraphs']} / {z['paragraphs']} ({ratio}) | "
                       f"{_cell(e, 'unaligned', 'paragraphs')} | {_cell(z, 'unaligned', 'paragraphs')} | "
                       f"{_cell(e, 'mid_sentence', 'prose')} | {_cell(z, 'mid_sentence', 'prose')} | "
                       f"{e['duplicated']} / {z['duplicated']} | {lost} | "
                       f"{sum(e['skipped'].values())} / {sum(z['skipped'].values())} | {row['seconds']} |")
    return "\n".join(out)


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m eval.ingest_quality", description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=str(DEFAULT))
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--samples", action="store_true", help="also the sample PDFs of eval.pdf_samples")
    ap.add_argument("--json", help="write the measurements here")
    ap.add_argument("--table", nargs="+", metavar="RUN.json", help="RUN.json [BEFORE.json]: print the Markdown table")
    ap.add_argument("--out", help="with --table: write the table into this file")
    args = ap.parse_args(argv)
    if args.table:
        runs = [json.loads(Path(p).read_text()) for p in args.table]
        md = table(runs[0], runs[1] if len(runs) > 1 else None)
        if args.out:
            Path(args.out).write_text(md + "\n")
        print(md)
    elif args.json:
        run(args)
    else:
        ap.error("give --json OUT.json to measure, or --table RUN.json to print")


if __name__ == "__main__":
    main(sys.argv[1:])
