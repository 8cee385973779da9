"""The real bilingual pairs of ``../shared/corpus/real``: find them, read the dev/test split, ingest them.

    python -m eval.real_corpus [FOLDER]     (default: RAG_EVAL_CORPUS, ../shared/corpus/real)

A pair is ``FOLDER/NAME.en.EXT`` + ``FOLDER/NAME.zh.EXT`` (simplified) or ``FOLDER/NAME.zh-Hant.EXT``
(traditional); it is named ``FOLDER/NAME`` (as SPLIT.md and the question sets' ``pair`` field name it)
and stored as the document ``FOLDER.NAME``, so two folders' ``faq`` pairs are two documents.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import SUPPORTED
from rag.errors import InputError

SCRIPTS = {"zh": "zh", "zh-Hant": "zh-Hant"}  # the Chinese file's tag → the script of the pair
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class Pair:
    pair: str  # FOLDER/NAME
    en: Path
    zh: Path
    script: str  # zh | zh-Hant: the Chinese version's script

    @property
    def doc_id(self) -> str:
        return self.pair.replace("/", ".")

    @property
    def format(self) -> str:
        """md | html | pdf | docx | txt."""
        return self.en.suffix.lower().lstrip(".")



def lang_file(stem: Path, lang: str) -> Path:
    """A Markdown pair's file of one language: NAME.en.md, NAME.zh.md or (traditional) NAME.zh-Hant.md."""
    path = stem.with_name(f"{stem.name}.{lang}.md")
    return path if lang == "en" or path.exists() else stem.with_name(f"{stem.name}.zh-Hant.md")

def pairs(root: Path) -> list[Pair]:
    """Every pair under ``root``, sorted by name."""
    found = []
    for en in sorted(root.rglob("*.en.*")):
        if en.suffix.lower() not in SUPPORTED:
            continue
        name = en.name.split(".en.")[0]
        for tag, script in SCRIPTS.items():
            zh = en.with_name(f"{name}.{tag}{en.suffix}")
            if zh.exists():
                found.append(Pair(f"{en.parent.relative_to(root).as_posix()}/{name}", en, zh, script))
    return found


def split_names(split_md: Path, split: str) -> list[str]:
    """The pairs (``FOLDER/NAME``) of one split: the first column of the table under SPLIT.md's
    ``## dev …`` or ``## test …`` heading, read with markdown-it-py."""
    from markdown_it import MarkdownIt

    if split not in SPLITS:
        raise InputError(f"unknown split {split!r}", hint=f"choose one of {', '.join(SPLITS)}")
    tokens = MarkdownIt("commonmark").enable("table").parse(split_md.read_text(encoding="utf-8"))
    names: list[str] = []
    section = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.tag in ("h1", "h2"):
            section = tokens[i + 1].content.split()[0].lower() if tok.tag == "h2" else None
        elif section == split and tok.type == "tr_open" and tokens[i + 1].type == "td_open":
            names.append(tokens[i + 2].content.strip())
    if not names:
        raise InputError(f"{split_md} has no table under a '## {split}' heading")
    return names


def split_pairs(split: str, root: Path) -> list[Pair]:
    """The pairs SPLIT.md puts in ``split``, each found on disk."""
    if not (root / "SPLIT.md").exists():
        raise InputError(f"{root} has no SPLIT.md", hint="point RAG_EVAL_CORPUS at the real corpus folder")
    by_name = {p.pair: p for p in pairs(root)}
    names = split_names(root / "SPLIT.md", split)
    missing = [n for n in names if n not in by_name]
    if missing:
        raise InputError(f"SPLIT.md names pairs with no NAME.en.* + NAME.zh[-Hant].* files: {', '.join(missing)}")
    return [by_name[n] for n in names]


def ingest_all(app, found: list[Pair], progress: bool = True) -> list:
    """Ingest the pairs (unchanged ones are skipped); returns the ingest reports."""
    from ingest.indexer import indexer_for, ingest_lock
    from ingest.targets import Target

    with ingest_lock(app.settings.home):
        return indexer_for(app).ingest([Target(p.doc_id, p.en, p.zh) for p in found], progress)


def main(argv: list[str]) -> None:
    from rag.compose import App
    from rag.settings import Settings

    root = Path(argv[0]) if argv else Settings().eval_corpus
    if not root.is_dir():
        raise SystemExit(f"{root}: no such folder")
    for rep in ingest_all(App(), pairs(root)):
        print("\n".join(rep.lines()))


if __name__ == "__main__":
    main(sys.argv[1:])
