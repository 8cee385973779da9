"""Ingest of files a user hands over (UI uploads, the HTTP API): size-checked and parsed before
anything is stored, then written once the index is free. An upload that arrives while another ingest
writes waits its turn (``wait_s``) instead of failing. An upload never silently takes the id of a
document of other files. What a killed upload or ingest left behind is swept away."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace as with_changes
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from ingest.report import IngestReport
from ingest.targets import Target, refuse_taken_ids, uploads
from rag.errors import IndexBusyError, InputError, NotFoundError, TooLargeError

if TYPE_CHECKING:
    from rag.compose import App

log = logging.getLogger(__name__)
Progress = Callable[[float, str], None]  # (fraction done, what is happening)


@dataclass(frozen=True)
class Leftovers:
    """What a killed ingest or upload had left and a sweep removed."""

    chunks: int = 0  # chunks of no current version: of a document with no record, or a version never made current
    folders: int = 0  # upload folders no running process holds

    def __bool__(self) -> bool:
        return bool(self.chunks or self.folders)

    def line(self) -> str:
        return (f"removed what an interrupted ingest or upload left: {self.chunks} chunk(s) of no current document "
                f"version, {self.folders} upload folder(s)")


@contextmanager
def upload_folder(parent: Path) -> Iterator[Path]:
    """A fresh folder for one request's files, removed afterwards. While it is in use its lock file
    beside it (``<name>.lock``) is held, so a sweep tells the folder of a killed process (lock free)
    from one in use."""
    parent.mkdir(parents=True, exist_ok=True)
    folder = parent / uuid.uuid4().hex
    fd = os.open(folder.with_name(folder.name + ".lock"), os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)  # before the folder exists: a folder without a held lock is stale
    try:
        folder.mkdir()
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.unlink(folder.with_name(folder.name + ".lock"))
        os.close(fd)


def sweep_upload_folders(parent: Path) -> int:
    """Remove the upload folders (and lock files) of processes that are gone; the number removed."""
    if not parent.is_dir():
        return 0
    names = {p.name.removesuffix(".lock") for p in parent.iterdir()}
    removed = 0
    for name in sorted(names):
        lock = parent / f"{name}.lock"
        fd = os.open(lock, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # in use
        try:
            if (parent / name).is_dir():
                shutil.rmtree(parent / name, ignore_errors=True)
                removed += 1
            lock.unlink(missing_ok=True)
        finally:
            os.close(fd)
    return removed


def sweep_leftovers(app: App) -> Leftovers:
    """Remove what a killed ingest or upload left: stale upload folders, and (when no ingest is
    running: it writes such chunks on purpose) chunks of no current document version."""
    from ingest.indexer import ingest_lock

    folders = sweep_upload_folders(app.settings.uploads_path / "api")
    try:
        with ingest_lock(app.settings.home):
            chunks = app.store.drop_orphans()
    except IndexBusyError:
        chunks = 0
    return Leftovers(chunks, folders)


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
    wait_s: float = 600.0, size_limit: bool = True, replace: bool = False,
) -> list[IngestReport]:
    """Validate, prepare (parse, align, embed) and store uploaded files: one document each, or the
    ``x.en.md`` + ``x.zh.md`` pairs their names make (or the given ``targets``). Sizes are checked
    against the upload limit unless ``size_limit`` is off (a document's own kept files). An id that a
    document of other files has is refused unless ``replace``. Each report's seconds count the
    document's parse, alignment, embedding and storing."""
    from ingest.indexer import ingest_lock

    if size_limit:
        check_sizes(paths, app.settings.max_upload_mb)
    targets = targets if targets is not None else uploads(paths)
    refuse_taken_ids(targets, _sources(app), replace)
    say = progress or (lambda _f, _what: None)
    say(0.05, "parsing")
    for t in targets:  # every file is checked before anything is stored
        app.indexer.validate(t)
    docs, took = [], {}
    for i, t in enumerate(targets):
        say(0.1 + 0.7 * i / len(targets), f"aligning and embedding {t.doc_id}")
        t0 = time.perf_counter()
        docs.append(app.indexer.prepare(t))
        took[t.doc_id] = time.perf_counter() - t0
    say(0.8, "storing")
    with ingest_lock(app.settings.home, wait_s, lambda: say(0.8, "waiting for another ingest to finish")):
        refuse_taken_ids(targets, _sources(app), replace)  # again: another upload may have taken an id meanwhile
        swept = app.store.drop_orphans()
        if swept:
            log.warning("%s", Leftovers(swept).line())
        reports = app.indexer.write(
            docs, progress=False, on_chunks=lambda n, total: say(0.8 + 0.2 * n / total, f"embedding and storing: {n}/{total} chunks")
        )
    say(1.0, "done")
    return [with_changes(r, seconds=r.seconds + took.get(r.doc_id, 0.0)) for r in reports]


def _sources(app: App) -> dict[str, str]:
    return {d.doc_id: d.source for d in app.store.documents()}


def reingest(app: App, doc_id: str, progress: Progress | None = None) -> IngestReport:
    """Ingest a document again from its kept files (after a parser or setting changed); its id and
    source stay. Unchanged text is recognised and not embedded again."""
    info = next((d for d in app.store.documents() if d.doc_id == doc_id), None)
    if info is None:
        raise NotFoundError(f"no document {doc_id!r}", hint="list the documents first")
    kept = app.sources.files(doc_id)
    en = kept.get("en") or kept.get("doc")
    if en is None:
        raise InputError(f"{doc_id} was ingested before its files were kept, so it cannot be ingested again from here",
                         hint="ingest the file itself again (`rag ingest PATH` or an upload)")
    zh = kept.get("zh")
    target = Target(doc_id, en, zh, info.source)
    return ingest_files(app, [p for p in (en, zh) if p is not None], [target], progress, size_limit=False, replace=True)[0]
