"""CJK-aware text handling: scripts, Chinese conversion, language, sentences, tokens."""

from __future__ import annotations

from importlib import resources


def data_lines(package: str, name: str) -> tuple[str, ...]:
    """The lines of a word-list file shipped in ``package`` (``name`` relative to it), comments (#) and
    blank lines out."""
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return tuple(t.strip() for t in text.splitlines() if t.strip() and not t.startswith("#"))
