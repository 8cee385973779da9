"""Ingest of files a user hands over (UI uploads, the HTTP API): size-checked and parsed before
anything is stored, then written once the index is free. An upload that arrives while another ingest
writes waits its turn (``wait_s``) instead of failing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ingest.report import IngestReport
from ingest.targets import Target, uploads
from rag.errors import InputError, NotFoundError, TooLargeError

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
    wait_s: float = 600.0, size_limit: bool = True,
) -> list[IngestReport]:
    """Validate, prepare (parse, align, embed) and store uploaded files: one document each, or the
    ``x.en.md`` + ``x.zh.md`` pairs their names make (or the given ``targets``). Sizes are checked
    against the upload limit unless ``size_limit`` is off (a document's own kept files)."""
    from ingest.indexer import ingest_lock

    if size_limit:
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
    say(0.8, "storing")
    with ingest_lock(app.settings.home, wait_s, lambda: say(0.8, "waiting for another ingest to finish")):
        reports = app.indexer.write(
            docs, progress=False, on_chunks=lambda n, total: say(0.8 + 0.2 * n / total, f"embedding and storing: {n}/{total} chunks")
        )
    say(1.0, "done")
    return reports


def reingest(app: App, doc_id: str, progress: Progress | None = None) -> IngestReport:
    """Ingest a document again from its kept files (after a parser or setting changed); its id and
    source stay. Unchanged text is recognised and not embedded again."""
    info = next((d for d in app.store.documents() if d.doc_id == doc_id), None)
    if info is None:
        raise NotFoundError(f"no document {doc_id!r}", hint="see `rag docs`")
    kept = app.sources.files(doc_id)
    en = kept.get("en") or kept.get("doc")
    if en is None:
        raise InputError(f"{doc_id} was ingested before its files were kept, so it cannot be ingested again from here",
                         hint="ingest the file itself again (`rag ingest PATH` or an upload)")
    zh = kept.get("zh")
    target = Target(doc_id, en, zh, info.source)
    return ingest_files(app, [p for p in (en, zh) if p is not None], [target], progress, size_limit=False)[0]
