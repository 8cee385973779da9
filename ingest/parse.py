"""Parse a bilingual plain-text document into numbered paragraphs per language.

Rules (no line numbers, no counts of any particular article):
- paragraphs are separated by blank or whitespace-only lines;
- hard-wrapped lines are joined with no added character (the wrap keeps its own spaces);
- each paragraph's language is its dominant script (Han vs Latin letters);
- leading short, non-sentence paragraphs of a language (title, byline, date) are its ¶0;
- a trailing copyright line is metadata, not a paragraph.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from rag.errors import DocumentError
from rag.lang import CLOSERS, HAN_RE, ZH_SENT_END, paragraph_lang
from rag.types import Document, DocumentMeta, Lang, Paragraph

COPYRIGHT_RE = re.compile(r"copyright|\(c\)|©|all rights reserved|版权所有|版權所有", re.I)
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE_RES = (
    re.compile(rf"\b({MONTHS})\s+(\d{{1,2}})\s*,\s*(\d{{4}})\b"),
    re.compile(rf"\b(\d{{1,2}})\s+({MONTHS})\s*,?\s*(\d{{4}})\b"),
    re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
)
MAX_FRONT_MATTER = 6


@dataclass(frozen=True)
class Block:
    lines: tuple[str, ...]

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)

    def joined(self) -> str:
        return "".join(self.lines).strip()

    def front_lines(self) -> list[str]:
        return [ln.strip() for ln in self.lines if ln.strip()]


def split_blocks(text: str) -> list[Block]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    blocks: list[Block] = []
    cur: list[str] = []
    for line in text.split("\n"):
        if line.strip() == "":
            if cur:
                blocks.append(Block(tuple(cur)))
                cur = []
        else:
            cur.append(line)
    if cur:
        blocks.append(Block(tuple(cur)))
    return blocks


def is_prose(text: str, lang: str) -> bool:
    """A body paragraph ends like a sentence and is not a one-liner heading."""
    t = text.rstrip().rstrip(CLOSERS)
    if not t:
        return False
    ends = t[-1] in ".!?:;" + ZH_SENT_END + "：…"
    long_enough = len(text) >= (30 if lang == "zh" else 60)
    return (ends and long_enough) or len(text) >= (120 if lang == "zh" else 250)


def find_date(text: str) -> str:
    for rx in DATE_RES:
        m = rx.search(text)
        if m:
            return re.sub(r"\s+,", ",", re.sub(r"\s+", " ", m.group(0))).strip()
    return ""


def _strip_parens(s: str) -> str:
    s = s.strip()
    if len(s) >= 2 and s[0] in "(（" and s[-1] in ")）":
        return s[1:-1].strip()
    return s


def read_meta(front: dict[str, list[str]], copyright: str) -> DocumentMeta:
    title = author = affiliation = date = title_zh = ""
    primary = front.get("en") or front.get("zh") or []
    rest: list[str] = []
    for i, line in enumerate(primary):
        if not title and not find_date(line):
            title = line
            continue
        if not date and find_date(line):
            date = find_date(line)
            continue
        rest.append(line)
    for line in rest:
        inner = _strip_parens(line)
        if HAN_RE.search(inner) and not re.search(r"[A-Za-z]", inner) and not title_zh and not author:
            title_zh = inner  # a translated title right under the title
        elif not author:
            author = re.sub(r"^(by|作者[:：]?)\s*", "", line, flags=re.I).strip()
        elif not affiliation:
            affiliation = inner
    if front.get("zh"):
        zh_lines = front["zh"]
        title_zh = title_zh or zh_lines[0]
        if not date:
            date = next((find_date(ln) for ln in zh_lines if find_date(ln)), "")
    if not front.get("en") and front.get("zh"):
        title = front["zh"][0]
    return DocumentMeta(
        title=title, author=author, date=date, copyright=copyright, title_zh=title_zh, affiliation=affiliation
    )


def parse_text(text: str, doc_id: str, source: str) -> Document:
    """Text → Document with paragraphs (¶0 front matter, ¶1..n body) per language; no alignment yet."""
    blocks = split_blocks(text)
    if not blocks:
        raise DocumentError(f"{source} has no text")
    copyright = ""
    while blocks and COPYRIGHT_RE.search(blocks[-1].raw) and len(blocks[-1].raw) < 400:
        copyright = " ".join(blocks[-1].front_lines()) + (" " + copyright if copyright else "")
        blocks.pop()
    if not blocks:
        raise DocumentError(f"{source} holds only a copyright line")
    if len(blocks) == 1 and len(blocks[0].lines) >= 10:
        raise DocumentError(
            f"{source} has no paragraph breaks ({len(blocks[0].lines)} lines, no blank line between paragraphs); "
            "separate paragraphs with blank lines"
        )
    # language of each block; blocks with no letters (page numbers, rules) follow the previous block
    per_lang: dict[str, list[Block]] = {"en": [], "zh": []}
    other = 0
    last: str | None = None
    for b in blocks:
        lang = paragraph_lang(b.raw)
        if lang == "other":
            other += 1
            continue
        lang = lang or last
        if lang is None:
            continue
        per_lang[lang].append(b)
        last = lang
    known = len(per_lang["en"]) + len(per_lang["zh"])
    if known == 0 or other > known:
        raise DocumentError(
            f"{source} is not in English or Chinese (only English and Chinese documents are supported)"
        )
    paragraphs: list[Paragraph] = []
    front: dict[str, list[str]] = {}
    for lang in ("en", "zh"):
        lb = per_lang[lang]
        if not lb:
            continue
        # front matter: leading non-prose blocks, but only when prose follows
        k = 0
        while k < len(lb) and k < MAX_FRONT_MATTER and not is_prose(lb[k].joined(), lang):
            k += 1
        if k == len(lb) or not is_prose(lb[k].joined(), lang):
            # no prose right after the leading blocks: keep just a title-like first block as ¶0
            k = 1 if len(lb) > 1 and len(lb[0].joined()) < 120 else 0
        if k:
            lines = [ln for b in lb[:k] for ln in b.front_lines()]
            front[lang] = lines
            paragraphs.append(Paragraph(doc_id, lang, 0, "\n".join(lines)))  # type: ignore[arg-type]
        for n, b in enumerate(lb[k:], start=1):
            paragraphs.append(Paragraph(doc_id, lang, n, b.joined()))  # type: ignore[arg-type]
    meta = read_meta(front, copyright)
    return Document(
        doc_id=doc_id,
        source=source,
        meta=meta,
        paragraphs=tuple(paragraphs),
        content_hash=content_hash(paragraphs),
        parse_hash=content_hash(paragraphs),
    )


def content_hash(paragraphs: list[Paragraph] | tuple[Paragraph, ...], extra: str = "") -> str:
    h = hashlib.sha256()
    for p in paragraphs:
        h.update(f"{p.doc}\x1f{p.lang}\x1f{p.n}\x1f{p.text}\x1e".encode())
    h.update(extra.encode())
    return h.hexdigest()


def body_count(paragraphs, lang: Lang) -> int:
    return sum(1 for p in paragraphs if p.lang == lang and p.n > 0)
