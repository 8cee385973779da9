"""What every loader returns: the file's text blocks in reading order, with their structure.

A loader turns a file into a ``Parsed``: blocks (heading, prose, list item, table row, code, quote,
figure), each with its heading path and page; the metadata the format carries (front matter,
document properties); and what it skipped, with the reason. Nothing is dropped without a ``Skipped``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.text.script import HAN_RE
from rag.types import Skipped  # noqa: F401  (loaders report with it)

KINDS = ("front", "heading", "prose", "list", "table", "code", "quote", "figure")
NEUTRAL_KINDS = ("table", "figure", "code")  # Latin text in these does not make a block English
# a character after which a wrapped line continues without a space (CJK text and punctuation)
_CJK_END = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
URL_RE = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+|\S+@\S+\.\w+")


@dataclass(frozen=True)
class Block:
    text: str
    kind: str = "prose"
    level: int = 0  # heading level 1..6; 0 for other blocks
    section: tuple[str, ...] = ()  # heading path; a heading's own path ends with itself
    page: int | None = None  # 1-based page (PDF)
    box: tuple[float, float, float, float] | None = None  # its area on that page, in PDF points (x0, y0, x1, y1)
    page_end: int | None = None  # PDF: the page of its end, when it runs on past a column or page break
    box_end: tuple[float, float, float, float] | None = None  # the area of its end on that page
    prose: str | None = None  # the text less code, URLs and markup: what its language is told by
    lines: tuple[str, ...] = ()  # plain text: the block's lines (a front-matter block keeps them)

    @property
    def script_text(self) -> str:
        return URL_RE.sub(" ", self.text if self.prose is None else self.prose)


@dataclass(frozen=True)
class Parsed:
    blocks: tuple[Block, ...]
    meta: dict[str, str] = field(default_factory=dict)  # title, author, date, … (front matter, properties)
    front: str = ""  # front matter as text: the document's ¶0
    skipped: tuple[Skipped, ...] = ()
    plain: bool = False  # plain text: leading title/byline/date blocks are its front matter


def excerpt(text: str, n: int = 40) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


_CJK_DIGITS_END = re.compile(r"[\u3400-\u9fff][\d.,]*\d$")
_CJK_DIGITS_START = re.compile(r"\d[\d.,]*(?:[\u3400-\u9fff%％]|$)")


def join_lines(lines: list[str], typeset: bool = False) -> str:
    """Wrapped lines → one line: no space between CJK characters, a hyphen at a line end joins the
    word ("exam-" + "ple"), otherwise one space. ``typeset``: lines a typesetter broke (a PDF's), where
    Chinese text breaks anywhere, inside a number too ("95" + "00万"); a source's line break is a space."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if not out:
            out = line
        elif _CJK_END.search(out) and _CJK_START.search(line):
            out += line
        elif re.search(r"[a-z]-$", out) and re.match(r"[a-z]", line):
            out = out[:-1] + line
        elif typeset and _CJK_DIGITS_END.search(out) and _CJK_DIGITS_START.match(line):
            out += line
        else:
            out += " " + line
    return out


def tidy(text: str) -> str:
    """Collapse runs of spaces inside lines, keep line breaks, trim."""
    lines = [re.sub(r"[ \t\u00a0]+", " ", ln).strip() for ln in text.split("\n")]
    return "\n".join(ln for ln in lines if ln)


def labelled_rows(head: list[str], rows: list[list[str]]) -> list[str]:
    """A table's body rows as blocks' text, each cell carrying its column header ("Model: Qwen-7B | …");
    a table with no body rows keeps its header row."""
    if not rows:
        return [" | ".join(c for c in head if c)] if any(head) else []
    padded = head + [""] * max(0, max(len(r) for r in rows) - len(head))
    return [" | ".join(f"{h}: {c}" if h and c else c for h, c in zip(padded, row) if c) for row in rows]


class Sections:
    """The heading path as headings go by: a heading of level n closes every open level >= n."""

    def __init__(self) -> None:
        self._open: list[tuple[int, str]] = []

    def heading(self, level: int, title: str) -> tuple[str, ...]:
        self._open = [(lv, t) for lv, t in self._open if lv < level] + [(level, title)]
        return self.path

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(t for _, t in self._open)


def has_han(text: str) -> bool:
    return bool(HAN_RE.search(text))
