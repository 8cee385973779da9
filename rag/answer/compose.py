"""Compose: the answer is the selected units, verbatim, in document order, each cited.

No model writes here. A unit of the asker's version is quoted as stored; a unit only the other version
has is quoted as written under one line saying so (prompt data: ``only_other_version``); a lead-in
keeps its list items, table rows or code under it. Every paragraph shown is cited, and so are its
aligned twins (the translation a reader checks it against). Traditional Chinese is OpenCC's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rag.answer import prompts
from rag.answer.units import Unit
from rag.text.chinese import in_script
from rag.types import Citation, Paragraph, doc_lang


@dataclass(frozen=True)
class Draft:
    text: str
    citations: tuple[Citation, ...]
    units: tuple[Unit, ...]  # the units shown, in the order shown


def cite(p: Paragraph) -> Citation:
    return Citation(p.doc, p.lang, p.n, p.text, p.section, p.page)


def _order(units: Sequence[Unit]) -> list[Unit]:
    """Document order: by document, then paragraph, then the sentence's place in it."""
    def key(u: Unit):
        first = u.paragraphs[0]
        return (u.doc, first.n, first.text.find(u.text) if u.text else -1)
    return sorted(units, key=key)


def _block(paras: Sequence[Paragraph]) -> list[str]:
    lines = []
    for p in paras:
        if p.kind == "code":
            lines.append(f"```\n{p.text}\n```\n[{p.label}]")
        elif p.kind in ("list", "table", "heading"):
            lines.append(f"- {p.text} [{p.label}]")
        else:
            lines.append(f"{p.text} [{p.label}]")
    return lines


def _render(units: Sequence[Unit]) -> list[str]:
    """Blocks of text: sentences of one paragraph joined under one marker; a block whole."""
    out: list[str] = []
    i = 0
    while i < len(units):
        u = units[i]
        if u.text:
            run = [u.text]
            while i + 1 < len(units) and units[i + 1].text and units[i + 1].paragraphs == u.paragraphs:
                i += 1
                run.append(units[i].text)
            body = f"{' '.join(run)} [{u.paragraphs[0].label}]"
        else:
            body = "\n".join(_block(u.paragraphs))
        out.append(body)
        i += 1
    return out


def compose(selected: Sequence[Unit], answer_lang: str) -> Draft:
    """The answer text and its citations from the selected units (``answer_lang``: en, zh, zh-Hant)."""
    units = _order(selected)
    if not units:
        return Draft("", (), ())
    own = doc_lang(answer_lang)
    note = prompts.load("en" if own == "en" else "zh")["only_other_version"]
    mine = [u for u in units if u.lang == own]
    other = [u for u in units if u.lang != own]
    blocks = _render(mine) + [f"{note}\n{b}" for b in _render(other)]
    seen: dict[tuple[str, str, int], Citation] = {}
    for u in mine + other:
        for p in (*u.paragraphs, *u.twins):
            seen.setdefault((p.doc, p.lang, p.n), cite(p))
    return Draft(in_script("\n\n".join(blocks), answer_lang), tuple(seen.values()), tuple(mine + other))
