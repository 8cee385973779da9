"""Ingest of files a user hands over (UI uploads, the HTTP API): size-checked and parsed before
anything is stored, then written once the index is free. An upload that arrives while another ingest
writes waits its turn (``wait_s``) instead of failing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ingest.report import IngestReport
from ingest.targets import Target, uploads
from rag.errors import InputError, TooLargeError

if TYPE_CHECKING:
    from rag.compose import App

Progress = Callable[[float, str], None]  # (fraction done, what is happening)


def check_sizes(paths: list[Path], limit_mb: float) -> None:
    """Every file exists and is within the upload limit, or nothing is ingested."""
    if not paths:
        raise InputError("choose a file first")
    limit = int(limit_mb * 1024 * 1024)
    for path in paths:
        size = path.stat().st_size if path.exists() else 0
        if size > limit:
            raise TooLargeError(f"{path.name} is {size / 1e6:.1f} MB; the limit is {limit_mb:g} MB")


def ingest_files(
    app: App, paths: list[Path], targets: list[Target] | None = None, progress: Progress | None = None,
    wait_s: float = 600.0,
) -> list[IngestReport]:
    """Validate, prepare (parse, align, embed) and store uploaded files: one document each, or the
    ``x.en.md`` + ``x.zh.md`` pairs their names make (or the given ``targets``)."""
    from ingest.indexer import ingest_lock

    check_sizes(paths, app.settings.max_upload_mb)
    targets = targets if targets is not None else uploads(paths)
    say = progress or (lambda _f, _what: None)
    say(0.05, "parsing")
    for t in targets:  # every file is checked before anything is stored
        app.indexer.validate(t)
    docs = []
    for i, t in enumerate(targets):
        say(0.1 + 0.7 * i / len(targets), f"aligning and embedding {t.doc_id}")
        docs.append(app.indexer.prepare(t))
    say(0.85, "storing")
    with ingest_lock(app.settings.home, wait_s, lambda: say(0.85, "waiting for another ingest to finish")):
        reports = app.indexer.write(docs, progress=False)
    say(1.0, "done")
    return reports
