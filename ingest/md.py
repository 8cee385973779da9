"""Markdown → blocks through markdown-it-py (CommonMark, with GFM tables and the front-matter plugin).

Headings, paragraphs, top-level list items (nested items inside them), table rows (each cell labelled
by its column header), block quotes and code blocks (verbatim) become blocks with their heading path.
Links keep their text, images their alt text, inline code its content; HTML blocks go through
``ingest.web``; YAML front matter becomes metadata and the document's ¶0.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ingest.blocks import _CJK_START, Block, Parsed, Sections, Skipped, excerpt, labelled_rows, tidy
from ingest.web import html_blocks

HEADING_ID = re.compile(r"\s*\{#[^}\s]*\}\s*$")  # "## When to use {#when-to-use}" (Pandoc/dumi heading id)
SOFT = "\x00"  # a soft line break, resolved by the characters around it


@lru_cache(maxsize=1)
def _md():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).use(front_matter_plugin)


def _resolve_soft(s: str) -> str:
    def repl(m: re.Match) -> str:
        a, b = m.string[m.start() - 1 : m.start()], m.string[m.end() : m.end() + 1]
        return "" if a and b and _CJK_START.match(a) and _CJK_START.match(b) else " "

    return re.sub(SOFT + "+", repl, s)


def inline_text(token) -> tuple[str, str]:
    """(text, prose) of an inline token: prose leaves out inline code and autolinked URLs."""
    text: list[str] = []
    prose: list[str] = []
    autolink = False
    kids = token.children or []
    link, head = None, ""
    for i, c in enumerate(kids):
        t = c.type
        if t == "text":
            text.append(c.content)
            prose.append(" " if autolink else c.content)
        elif t == "code_inline":
            text.append(c.content)
            prose.append(" ")
        elif t in ("softbreak",):
            text.append(SOFT)
            prose.append(SOFT)
        elif t == "hardbreak":
            text.append("\n")
            prose.append("\n")
        elif t == "image":
            text.append(c.content)
            prose.append(c.content)
        elif t == "link_open":
            autolink = c.markup == "autolink"
            link, head = c, "".join(text)
        elif t == "link_close":
            autolink = False
            after = kids[i + 1].content if i + 1 < len(kids) and kids[i + 1].type == "text" else ""
            text.append(_bracketed_address(link, head, after) if link is not None else "")
        elif t == "html_inline":
            tag = c.content.lower()
            piece = "\n" if tag.startswith("<br") else ("^" if tag.startswith("<sup") else "")
            text.append(piece)
            prose.append(piece)
    return tidy(_resolve_soft("".join(text))), tidy(_resolve_soft("".join(prose)))


_OPENS, _CLOSES = "(（[［", ")）]］"


def _bracketed_address(link, head: str, after: str) -> str:
    """" https://…" when ``link`` is all its brackets hold (``head``: the text before it, ``after``: the
    text after it): "LoRA ([paper](https://…))", "（[指定了也不生效？](https://…)）" are references, whose
    address is what they say (without it, "LoRA (论文)" reads as a name and its gloss). "" for a link
    inside a sentence, an anchor or an autolink (its address is its text already)."""
    href = str(link.attrs.get("href") or "")
    opened, closed = head.rstrip()[-1:], after.lstrip()[:1]
    if link.markup == "autolink" or not (opened and closed and opened in _OPENS):
        return ""
    return " " + href if closed == _CLOSES[_OPENS.index(opened)] and re.match(r"https?://\S+$", href) else ""


def sole_link(token) -> str | None:
    """The web address of a paragraph that is nothing but one link ("- [高效沟通的拦路虎——XY 问题](https://…)"
    in a reading list): there the address is what the text says, so it is kept with it."""
    kids = [c for c in token.children or [] if not (c.type in ("softbreak", "hardbreak") or (c.type == "text" and not c.content.strip()))]
    opens = [c for c in kids if c.type == "link_open"]
    if len(opens) != 1 or kids[0] is not opens[0] or kids[-1].type != "link_close" or opens[0].markup == "autolink":
        return None
    href = str(opens[0].attrs.get("href") or "")
    return href if re.match(r"https?://\S+$", href) else None


def _only_images(token) -> bool:
    kids = [c for c in token.children or [] if not (c.type in ("softbreak", "hardbreak") or
            (c.type == "text" and not c.content.strip()) or c.type == "html_inline")]
    return bool(kids) and all(c.type == "image" for c in kids)


class _Reader:
    """One pass over markdown-it's token stream."""

    def __init__(self) -> None:
        self.sections = Sections()
        self.blocks: list[Block] = []
        self.skipped: list[Skipped] = []
        self.front = ""
        self.list_depth = 0
        self.quote_depth = 0
        self.item: list[tuple[str, str]] = []  # lines of the open top-level list item
        self.prefix: list[str] = []  # "1. " / "- " per open list level
        self.counters: list[int] = []
        self.table: list[list[str]] = []
        self.row: list[str] = []
        self.in_table = False
        self._item_started = False  # the next paragraph opens a list item (takes its marker)

    def emit(self, text: str, kind: str, prose: str | None = None, level: int = 0) -> None:
        if not text.strip():
            return
        if kind == "heading":
            text = HEADING_ID.sub("", text).replace("\n", " ").strip()
            prose = HEADING_ID.sub("", prose or "")
            if text:
                self.blocks.append(Block(text, kind, level, self.sections.heading(level, text), None, prose=prose))
            return
        self.blocks.append(Block(text, kind, 0, self.sections.path, None, prose=prose))

    def flush_item(self) -> None:
        if self.item:
            self.emit("\n".join(t for t, _ in self.item), "list", "\n".join(p for _, p in self.item))
        self.item = []

    def read(self, tokens) -> None:
        i = 0
        while i < len(tokens):
            i = self.step(tokens, i)

    def step(self, tokens, i: int) -> int:
        tok = tokens[i]
        t = tok.type
        if t == "front_matter":
            self.front = tok.content
        elif t == "heading_open":
            text, prose = inline_text(tokens[i + 1])
            self.flush_item()
            self.emit(text, "heading", prose, int(tok.tag[1]))
            return i + 3
        elif t in ("bullet_list_open", "ordered_list_open"):
            self.list_depth += 1
            self.counters.append(int(tok.attrs.get("start", 1) or 1) if t == "ordered_list_open" else 0)
            self.prefix.append("ordered" if t == "ordered_list_open" else "- ")
        elif t in ("bullet_list_close", "ordered_list_close"):
            self.list_depth -= 1
            self.counters.pop()
            self.prefix.pop()
        elif t == "list_item_open":
            if self.list_depth == 1:
                self.flush_item()
            self._item_started = True
        elif t == "list_item_close":
            if self.list_depth == 1:
                self.flush_item()
            if self.prefix and self.prefix[-1] == "ordered":
                self.counters[-1] += 1
        elif t == "blockquote_open":
            self.quote_depth += 1
        elif t == "blockquote_close":
            self.quote_depth -= 1
        elif t == "inline" and tokens[i - 1].type == "paragraph_open":
            self.paragraph(tok)
        elif t in ("fence", "code_block"):
            self.flush_item()
            self.emit(tok.content.rstrip("\n"), "code")
        elif t == "html_block":
            self.flush_item()
            blocks, skipped = html_blocks(tok.content, self.sections)
            self.blocks.extend(blocks)
            self.skipped.extend(skipped)
        elif t.startswith(("table_", "thead_", "tbody_", "tr_", "th_", "td_")) or (t == "inline" and self.in_table):
            self.table_token(tok)
        return i + 1


    def paragraph(self, tok) -> None:
        text, prose = inline_text(tok)
        url = sole_link(tok)
        if url and text.strip():
            text = f"{text} ({url})"
        if self.list_depth:
            mark = ""
            if self._item_started:
                kind = self.prefix[-1]
                mark = f"{self.counters[-1]}. " if kind == "ordered" else ("- " if self.list_depth > 1 else "")
                self._item_started = False
            self.item.append((mark + text, prose))
        elif self.quote_depth:
            self.emit(text, "quote", prose)
        else:
            self.emit(text, "figure" if _only_images(tok) else "prose", prose)

    def table_token(self, tok) -> None:
        t = tok.type
        if t == "table_open":
            self.flush_item()
            self.in_table, self.table = True, []
        elif t == "tr_open":
            self.row = []
        elif t == "inline":
            self.row.append(inline_text(tok)[0].replace("\n", " "))
        elif t == "tr_close":
            self.table.append(self.row)
        elif t == "table_close":
            self.in_table = False
            self.emit_table()

    def emit_table(self) -> None:
        """Each body row is a block whose cells carry their column header (``labelled_rows``)."""
        head, rows = (self.table[0], self.table[1:]) if self.table else ([], [])
        for text in labelled_rows(head, rows):
            self.emit(text, "table")


def front_matter_meta(yaml_text: str) -> tuple[dict[str, str], str, list[Skipped]]:
    """YAML front matter → (title/author/date/…, its text as "key: value" lines, problems)."""
    import yaml

    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as e:
        return {}, tidy(yaml_text), [Skipped(excerpt(yaml_text), f"front matter is not valid YAML ({e.__class__.__name__}); kept as text")]
    if not isinstance(data, dict):
        return {}, tidy(yaml_text), []
    lines: list[str] = []

    def flat(prefix: str, v) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                flat(f"{prefix}.{k}" if prefix else str(k), x)
        elif isinstance(v, list):
            lines.append(f"{prefix}: {', '.join(str(x) for x in v)}")
        elif v is not None and str(v).strip():
            lines.append(f"{prefix}: {v}")

    flat("", data)
    meta = {k: str(data[k]) for k in ("title", "subtitle", "author", "date", "description") if data.get(k) not in (None, "")}
    return meta, "\n".join(lines), []


def parse_markdown(text: str) -> Parsed:
    r = _Reader()
    r.read(_md().parse(text))
    r.flush_item()
    meta, front, problems = front_matter_meta(r.front) if r.front.strip() else ({}, "", [])
    if "title" not in meta:  # the first level-1 heading, when there is one
        first = next((b for b in r.blocks if b.kind == "heading" and b.level == 1), None)
        if first is not None:
            meta["title"] = first.text
    return Parsed(tuple(r.blocks), meta, front, tuple(problems + r.skipped))
