"""One library per corpus split, in its own RAG home, kept between runs.

The cache key names what the index is made of: the pairs' files (sha256 of each), the ingest code (a
hash of the source files ingest runs: ``INGEST_CODE``) and the index settings (embedding model, chunk
size and overlap). Same key and a finished build → the library is reused as it is; other ingest code
or index settings → built again from nothing; other files (or an unfinished build) → ingested again,
which skips the unchanged documents, and documents no longer in the split are deleted.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from eval.real_corpus import Pair, ingest_all
from rag.errors import InputError
from rag.settings import REPO_ROOT

# what ingest runs: its package and the modules of rag it imports (the query side, rag/index/retrieve.py
# and lexical.py, reads the index and is not part of it)
INGEST_CODE = ("ingest", "rag/diff.py", "rag/index/embedder.py", "rag/index/sources.py", "rag/index/store.py", "rag/text/sentences.py",
               "rag/text/script.py", "rag/text/chinese.py", "rag/text/tokens.py", "rag/types.py")
STAMP = "library.json"


@dataclass(frozen=True)
class LibraryKey:
    files: str  # sha256 over each pair's name and its two files' sha256
    code: str  # sha256 over the ingest code's files (INGEST_CODE)
    index: str  # embedding model, chunk size, chunk overlap

    @property
    def digest(self) -> str:
        return _sha(f"{self.files} {self.code} {self.index}".encode())[:16]


@dataclass(frozen=True)
class Library:
    home: Path  # the library's RAG_HOME
    key: LibraryKey
    status: str  # reused | built | updated
    reason: str
    pairs: tuple[Pair, ...]

    def to_json(self) -> dict:
        return {"home": str(self.home), "key": self.key.digest, **{f"key_{k}": v for k, v in asdict(self.key).items()},
                "status": self.status, "reason": self.reason, "pairs": len(self.pairs)}

    def line(self) -> str:
        return f"library {self.home} ({len(self.pairs)} pairs, key {self.key.digest}): {self.status}, {self.reason}"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_version(root: Path = REPO_ROOT, parts: tuple[str, ...] = INGEST_CODE) -> str:
    """sha256 over the path and bytes of every source and data file of ``parts`` (caches aside)."""
    h = hashlib.sha256()
    for part in parts:
        base = root / part
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for f in files:
            if "__pycache__" in f.parts or f.suffix == ".pyc":
                continue
            h.update(f.relative_to(root).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


def library_key(found: list[Pair], settings, code: str | None = None) -> LibraryKey:
    files = "\n".join(f"{p.pair} {_sha(p.en.read_bytes())} {_sha(p.zh.read_bytes())}" for p in sorted(found, key=lambda p: p.pair))
    index = f"{settings.embedding_model} chunk_chars={settings.chunk_chars} overlap={settings.chunk_overlap_sentences}"
    return LibraryKey(_sha(files.encode()), code or code_version(), index)


def library_home(eval_home: Path, split: str, found: list[Pair], whole: bool) -> Path:
    """eval_home/library/SPLIT, or …/SPLIT-HASH for a part of the split (a quick try on a few pairs)."""
    name = split if whole else f"{split}-{_sha(' '.join(sorted(p.pair for p in found)).encode())[:8]}"
    return eval_home / "library" / name


def _read_stamp(home: Path) -> dict | None:
    path = home / STAMP
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    if home.exists() and any(home.iterdir()):
        raise InputError(f"{home} holds files but no {STAMP}: it is not a library `rag eval run` built",
                         hint="remove it, or set RAG_EVAL_HOME to another folder")
    return None


def _write_stamp(home: Path, key: LibraryKey, found: list[Pair], complete: bool) -> None:
    home.mkdir(parents=True, exist_ok=True)
    stamp = {"key": asdict(key), "complete": complete, "pairs": [p.pair for p in found]}
    (home / STAMP).write_text(json.dumps(stamp, indent=1), encoding="utf-8")


def plan(home: Path, key: LibraryKey) -> tuple[str, str]:
    """(status, reason): what to do with the library at ``home`` for ``key``; ``built`` empties it first."""
    stamp = _read_stamp(home)
    if stamp is None:
        return "built", "no library yet"
    old = LibraryKey(**stamp["key"])
    if old.code != key.code:
        return "built", f"the ingest code changed ({old.code[:8]} → {key.code[:8]})"
    if old.index != key.index:
        return "built", f"the index settings changed ({old.index} → {key.index})"
    if not stamp.get("complete"):
        return "updated", "an unfinished build continued (unchanged documents skipped)"
    if old.files != key.files:
        return "updated", "the pairs' files changed (unchanged documents skipped)"
    return "reused", "same files, ingest code and index settings"


def _empty(home: Path) -> None:
    """Delete a library, and forget Chroma's client for its path (a later client in this process would
    otherwise be handed the deleted one)."""
    from chromadb.api.shared_system_client import SharedSystemClient

    shutil.rmtree(home)
    SharedSystemClient.clear_system_cache()


def open_library(base, found: list[Pair], home: Path, progress: bool = True):
    """(App over the library, Library): reused, updated or built for ``found`` at ``home``. ``base``:
    the App whose settings and models (embedder, chat backend) the library's App shares."""
    from rag.compose import App

    key = library_key(found, base.settings)
    status, reason = plan(home, key)
    if status == "built" and home.exists():
        _empty(home)
    settings = base.settings.model_copy(update={"home": home, "models_dir": base.settings.models_path, "chroma_url": None})
    app = App(settings, embedder=base.embedder, chat_backend=base.chat_backend)
    wanted = {p.doc_id for p in found}
    if status == "reused" and set(app.store.versions()) != wanted:
        status, reason = "updated", "the index lacked documents of the split"
    if status != "reused":
        _write_stamp(home, key, found, complete=False)
        ingest_all(app, found, progress)
        for doc in set(app.store.versions()) - wanted:
            app.store.delete_document(doc)
        _write_stamp(home, key, found, complete=True)
    return app, Library(home, key, status, reason, tuple(found))
