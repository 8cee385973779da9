"""The real bilingual documents the `real` question set asks about: find the pairs and ingest them.

    python -m eval.real_corpus [FOLDER]     (default: ../shared/corpus/real beside the checkout)

A pair is ``NAME.en.EXT`` + ``NAME.zh.EXT``; its id is its folder's name when the folder holds one pair
(``qwen_readme/README.*.md`` → ``qwen_readme``), else ``NAME``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ingest.loaders import SUPPORTED

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


def pairs(root: Path) -> list[tuple[str, Path, Path]]:
    found = []
    for en in sorted(root.rglob("*.en.*")):
        zh = en.with_name(en.name.replace(".en.", ".zh.", 1))
        if en.suffix.lower() in SUPPORTED and zh.exists():
            found.append((en, zh))
    out = []
    for en, zh in found:
        alone = sum(1 for e, _ in found if e.parent == en.parent) == 1
        out.append((en.parent.name if alone else en.name.split(".en.")[0], en, zh))
    return out


def ingest_all(app, root: Path = DEFAULT, progress: bool = True) -> list:
    """Ingest every pair (unchanged ones are skipped); returns the ingest reports."""
    from ingest.indexer import ingest_lock
    from ingest.targets import Target

    with ingest_lock(app.settings.home):
        return app.indexer.ingest([Target(doc_id, en, zh) for doc_id, en, zh in pairs(root)], progress)


def main(argv: list[str]) -> None:
    from rag.compose import App

    root = Path(argv[0]) if argv else DEFAULT
    if not root.is_dir():
        raise SystemExit(f"{root}: no such folder")
    for rep in ingest_all(App(), root):
        print("\n".join(rep.lines()))


if __name__ == "__main__":
    main(sys.argv[1:])
