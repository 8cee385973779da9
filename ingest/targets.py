"""What to ingest: files and folders → documents (one file, or two files that are one text's English
and Chinese versions), each with a document id that no other document of the same run has."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ingest.loaders import SUPPORTED, doc_id_for
from rag.errors import DocumentError, DocumentExistsError

# a language tag at the end of a file's stem: README.en.md / README_zh.md / index.zh-CN.md / a-en.txt
LANG_TAG = re.compile(r"^(?P<base>.+?)[._-](?P<tag>en|en-us|en-gb|zh|cn|zh-cn|zh-hans|zh-tw|zh-hant|zh-hk)$", re.I)


@dataclass(frozen=True)
class Target:
    doc_id: str
    en: Path  # the file, or the English file of a pair
    zh: Path | None = None  # the Chinese file of a pair
    label: str = ""  # the source as people know it (an upload's own names, not its temporary path)

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.en,) if self.zh is None else (self.en, self.zh)

    @property
    def source(self) -> str:
        return self.label or " + ".join(str(p) for p in self.paths)


def expand_paths(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(q for q in p.rglob("*") if q.is_file() and q.suffix.lower() in SUPPORTED)
            if not found:
                raise DocumentError(f"{p} holds no supported documents ({', '.join(sorted(SUPPORTED))})")
            out.extend(found)
        else:
            out.append(p)
    return out


def _tagged(path: Path) -> tuple[str, str] | None:
    """(base name, 'en'|'zh') when the stem ends with a language tag."""
    m = LANG_TAG.match(path.stem)
    if not m:
        return None
    return m.group("base"), "en" if m.group("tag").lower().startswith("en") else "zh"


def find_pairs(files: list[Path], same_folder: bool = True) -> list[Target]:
    """Files whose names differ only by a language tag (``x.en.md`` + ``x.zh.md``, same format, and
    same folder unless ``same_folder`` is off, as for uploads) are one document's two versions; every
    other file is a document of its own."""
    def key(f: Path, base: str):
        return (f.parent if same_folder else None, base, f.suffix.lower())

    keyed: dict[tuple, dict[str, Path]] = {}
    for f in files:
        t = _tagged(f)
        if t:
            keyed.setdefault(key(f, t[0]), {})[t[1]] = f
    paired = {f for group in keyed.values() if len(group) == 2 for f in group.values()}
    targets: list[Target] = []
    for f in files:
        t = _tagged(f)
        if f not in paired:
            targets.append(Target(doc_id_for(f), f))
        elif t and t[1] == "en":
            group = keyed[key(f, t[0])]
            targets.append(Target(doc_id_for(f.with_name(t[0] + f.suffix)), group["en"], group["zh"]))
    return unique_ids(targets, by_folder=same_folder)


def unique_ids(targets: list[Target], by_folder: bool = True) -> list[Target]:
    """Two documents of one run never share an id: a clash is told apart by the folder's name
    (``qwen/README.md`` → ``qwen-README``), then by a number."""
    counts = Counter(t.doc_id for t in targets)
    out: list[Target] = []
    seen: set[str] = set()
    for t in targets:
        doc_id = t.doc_id
        if by_folder and counts[doc_id] > 1 and t.en.parent.name:
            doc_id = doc_id_for(Path(f"{t.en.parent.name}-{doc_id}"))
        base, k = doc_id, 2
        while doc_id in seen:
            doc_id, k = f"{base}-{k}", k + 1
        seen.add(doc_id)
        out.append(Target(doc_id, t.en, t.zh, t.label))
    return out


def uploads(paths: list[Path]) -> list[Target]:
    """Uploaded files (each in a temporary folder of its own, under its own name): paired by name,
    shown by name."""
    targets = find_pairs(paths, same_folder=False)
    return [Target(t.doc_id, t.en, t.zh, " + ".join(p.name for p in t.paths)) for t in targets]


def check_doc_id(doc_id: str | None) -> str | None:
    """A document id a user chose: letters, digits, '.', '_' and '-', at most 80."""
    if doc_id is not None and not re.fullmatch(r"[\w.\-]{1,80}", doc_id):
        raise DocumentError(f"{doc_id!r} is not a document id", hint="use letters, digits, '.', '_' and '-' (at most 80)")
    return doc_id


def plan(paths: list[Path], pair: bool = False, doc_id: str | None = None) -> list[Target]:
    """The documents an ingest command names: with ``pair``, exactly two files (English, Chinese)."""
    files = expand_paths(paths)
    if pair:
        if len(files) != 2:
            raise DocumentError("--pair takes exactly two files: the English version, then the Chinese one")
        t = _tagged(files[0])
        return [Target(doc_id or doc_id_for(files[0].with_name(t[0] + files[0].suffix) if t else files[0]), *files)]
    if doc_id is not None and len(files) != 1:
        raise DocumentError("--id names one document: give one file (or --pair and two)")
    targets = find_pairs(files)
    return [Target(doc_id, *targets[0].paths)] if doc_id is not None else targets


def _part(source_part: str) -> str:
    path = Path(source_part)
    return str(path.resolve()) if path.is_absolute() or path.exists() else source_part


def same_source(a: str, b: str) -> bool:
    """Do two sources name the same files (a path that exists compared resolved)?"""
    return [_part(p) for p in a.split(" + ")] == [_part(p) for p in b.split(" + ")]


def names(source: str) -> str:
    """The files' names of a source, without their folders."""
    return " + ".join(Path(p).name for p in source.split(" + "))


def refuse_taken_ids(targets: list[Target], stored: dict[str, str], replace: bool = False) -> None:
    """An ingest never silently replaces another document: a target whose id a stored document of
    other files has (``stored``: id → source) is refused, naming that document, unless ``replace``.
    The same files again are an update of their document."""
    if replace:
        return
    for t in targets:
        held = stored.get(t.doc_id)
        if held is not None and not same_source(held, t.source):
            raise DocumentExistsError(
                f"the id {t.doc_id!r} belongs to another document (from {names(held)}); {names(t.source)} was not stored",
                t.doc_id, held,
            )
