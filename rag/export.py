"""A conversation, or one answer, as Markdown or HTML that a colleague can check without the app:
each citation becomes a footnote quoting the cited paragraph and its aligned paragraph in the other
language. HTML is the same Markdown rendered by markdown-it-py (CommonMark + footnotes, raw HTML off,
so document text can never inject markup)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Literal

from rag.answer.markers import MARKER_RE
from rag.conversations import Conversation, Turn
from rag.types import Answer, Citation, Document

Format = Literal["md", "html"]
DocLookup = Callable[[str], "Document | None"]


@dataclass
class Footnotes:
    """Footnote numbers by cited paragraph, shared by every answer of one export."""

    lookup: DocLookup
    numbers: dict[tuple[str, str, int], int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def ref(self, c: Citation) -> str:
        if c.key not in self.numbers:
            self.numbers[c.key] = len(self.numbers) + 1
            self.notes.append(self._note(self.numbers[c.key], c))
        return f"[^{self.numbers[c.key]}]"

    def _note(self, k: int, c: Citation) -> str:
        doc = self.lookup(c.doc)
        title = (doc.meta.full_title if doc else "") or c.doc
        lines = [f"[^{k}]: **{c.place}**, {_inline(title)} (`{c.doc}`)", "", *_quoted(c.text)]
        for n in doc.twins(c.lang, c.paragraph) if doc else ():
            twin = doc.get("zh" if c.lang == "en" else "en", n)
            if twin is not None:
                lines += ["", f"**{twin.place}** (aligned)", "", *_quoted(twin.text)]
        return "\n".join(lines[:1] + ["    " + ln if ln else "" for ln in lines[1:]])


def _inline(text: str) -> str:
    """Document text on one Markdown line, its markup characters shown, not obeyed."""
    out = " ".join(text.split())
    for ch in "\\`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out


def _quoted(text: str) -> list[str]:
    """A paragraph as a block quote, line by line, exactly as stored (markup characters escaped)."""
    return [f"> {_inline(line)}" if line.strip() else ">" for line in text.splitlines()] or [">"]


def _answer_md(ans: Answer, notes: Footnotes) -> list[str]:
    """The answer text with its inline markers as footnote references; citations the text does not
    mark follow it."""
    by_label: dict[tuple[str, int], Citation] = {}
    for c in ans.citations:
        by_label.setdefault((c.lang, c.paragraph), c)
    used: set[tuple[str, str, int]] = set()

    def marker(m) -> str:
        c = by_label.get((m.group(1).lower(), int(m.group(2))))
        if c is None:
            return m.group(0)
        used.add(c.key)
        return notes.ref(c)

    lines = [MARKER_RE.sub(marker, line) for line in ans.text.split("\n")]
    rest = [notes.ref(c) for c in ans.citations if c.key not in used]
    if rest:
        lines.append("Sources: " + " ".join(rest))
    if ans.refused:
        lines.append("")
        lines.append(f"_Not answered ({ans.verdict.rule if ans.verdict else 'refused'})._")
    return lines


def _turn_md(t: Turn, notes: Footnotes) -> list[str]:
    return [f"## {t.n}. {_inline(t.question)}", "", f"_{t.asked_at}_", "", *_answer_md(t.answer, notes), ""]


def _with_notes(lines: list[str], notes: Footnotes) -> str:
    return "\n".join(lines) + "\n" + "\n\n".join(notes.notes) + "\n"


def conversation_markdown(conv: Conversation, lookup: DocLookup, turn: int | None = None) -> str:
    """The conversation (or its turn ``turn``) as Markdown with footnotes."""
    notes = Footnotes(lookup)
    turns = (conv.turn(turn),) if turn is not None else conv.turns
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"# {_inline(conv.info.title)}", "", f"_Bilingual document QA · conversation `{conv.id}` · exported {stamp}_", ""]
    for t in turns:
        out += _turn_md(t, notes)
    return _with_notes(out, notes)


def answer_markdown(ans: Answer, lookup: DocLookup) -> str:
    """One answer, not kept in a conversation, as Markdown with footnotes."""
    notes = Footnotes(lookup)
    out = [f"# {_inline(ans.question)}", "", *_answer_md(ans, notes), ""]
    return _with_notes(out, notes)


def to_html(markdown: str, title: str) -> str:
    """A standalone HTML page of the exported Markdown."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    md = MarkdownIt("commonmark", {"html": False}).use(footnote_plugin)
    body = md.render(markdown)
    return (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title>"
        "<style>body{max-width:46rem;margin:2rem auto;font-family:system-ui,'Noto Sans CJK SC',sans-serif;line-height:1.6}"
        "blockquote{border-left:3px solid #ccc;margin:.3rem 0;padding-left:.8rem;color:#333}"
        ".footnotes{font-size:.92em}</style></head>\n"
        f"<body>\n{body}</body></html>\n"
    )


def export(conv: Conversation, lookup: DocLookup, fmt: Format, turn: int | None = None) -> str:
    """The conversation (or its turn ``turn``) as Markdown (``md``) or a standalone HTML page."""
    markdown = conversation_markdown(conv, lookup, turn)
    return markdown if fmt == "md" else to_html(markdown, conv.info.title)
