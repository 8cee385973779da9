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
from dataclasses import dataclass, replace

from ingest.blocks import NEUTRAL_KINDS, Block, Parsed, excerpt
from rag.errors import DocumentError
from rag.text.script import HAN_RE, LATIN_WORD_RE, count_scripts, prose_lang
from rag.text.sentences import CLOSERS, ZH_SENT_END
from rag.types import Document, DocumentMeta, Lang, Paragraph, Skipped

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
class LineBlock:
    """A run of non-blank lines of a plain-text file."""

    lines: tuple[str, ...]

    @property
    def raw(self) -> str:
        return "\n".join(self.lines)

    def joined(self) -> str:
        return "".join(self.lines).strip()

    def front_lines(self) -> list[str]:
        return [ln.strip() for ln in self.lines if ln.strip()]


def split_blocks(text: str) -> list[LineBlock]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    blocks: list[LineBlock] = []
    cur: list[str] = []
    for line in text.split("\n"):
        if line.strip() == "":
            if cur:
                blocks.append(LineBlock(tuple(cur)))
                cur = []
        else:
            cur.append(line)
    if cur:
        blocks.append(LineBlock(tuple(cur)))
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


def parse_plain(text: str, source: str) -> Parsed:
    """Plain text → blocks: paragraphs are separated by blank lines, wrapped lines joined as wrapped;
    a trailing copyright line is metadata."""
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
    out = tuple(Block(b.joined(), lines=tuple(b.front_lines())) for b in blocks)
    return Parsed(out, {"copyright": copyright} if copyright else {}, plain=True)


def _languages(parsed: Parsed, source: str, lang: Lang | None) -> tuple[list[str | None], list[Skipped]]:
    """Each block's language: the file's for a one-language file (``lang``); otherwise told by its
    prose, a block that cannot tell (code, a table of numbers, a name) following its neighbours."""
    if lang is not None:
        return [lang] * len(parsed.blocks), []
    langs: list[str | None] = []
    skipped: list[Skipped] = []
    for b in parsed.blocks:
        found = None if b.kind == "code" else prose_lang(b.script_text, neutral=b.kind in NEUTRAL_KINDS)
        if found == "other":
            skipped.append(Skipped(excerpt(b.text), "not English or Chinese", b.page, "other"))
        langs.append(found)
    known = [x for x in langs if x in ("en", "zh")]
    if not known and not skipped and any(sum(count_scripts(b.text)[:2]) for b in parsed.blocks):
        # no block can tell (a list of names, a table of operators): the file as a whole decides
        return [file_lang(parsed, everything=True)] * len(langs), skipped
    if not known or len(skipped) > len(known):
        raise DocumentError(f"{source} is not in English or Chinese (only English and Chinese documents are supported)")
    last = known[0]  # leading blocks that cannot tell follow the first that can
    for i, x in enumerate(langs):
        if x in ("en", "zh"):
            last = x
        elif x is None:
            langs[i] = last
    return langs, skipped


def _plain_front(lb: list[Block], lang: str) -> int:
    """How many leading blocks of a plain-text language are its front matter (title, byline, date):
    leading non-prose blocks, but only when prose follows; else a title-like first block."""
    k = 0
    while k < len(lb) and k < MAX_FRONT_MATTER and not is_prose(lb[k].text, lang):
        k += 1
    if k == len(lb) or not is_prose(lb[k].text, lang):
        k = 1 if len(lb) > 1 and len(lb[0].text) < 120 else 0
    return k


def _paragraphs(doc_id: str, lang: str, lb: list[Block], plain: bool) -> tuple[list[Paragraph], list[str], int]:
    """One language's blocks → ¶0 (front matter) and body paragraphs ¶1..n; also ¶0's lines and
    how many blocks went into it."""
    if plain:
        k = _plain_front(lb, lang)
        front, body = lb[:k], lb[k:]
        front_lines = [ln for b in front for ln in (b.lines or (b.text,))]
    else:
        front = [b for b in lb if b.kind == "front"]
        body = [b for b in lb if b.kind != "front"]
        front_lines = [ln for b in front for ln in b.text.split("\n")]
    out = [Paragraph(doc_id, lang, 0, "\n".join(front_lines), kind="front")] if front_lines else []  # type: ignore[arg-type]
    out += [
        Paragraph(doc_id, lang, n, b.text, b.section, b.kind, b.page, b.box, b.page_end, b.box_end)  # type: ignore[arg-type]
        for n, b in enumerate(body, start=1)
    ]
    return out, front_lines, len(front)


def build_document(parsed: Parsed, doc_id: str, source: str, lang: Lang | None = None) -> Document:
    """Blocks → Document: every block becomes exactly one paragraph of its language (front matter
    blocks make up ¶0), or is listed in ``skipped`` with the reason."""
    blocks = list(parsed.blocks)
    if parsed.front:
        blocks.insert(0, Block(parsed.front, "front"))
    parsed = Parsed(tuple(blocks), parsed.meta, "", parsed.skipped, parsed.plain)
    if not blocks:
        raise DocumentError(f"{source} has no text" + (f" (skipped: {parsed.skipped[0].reason})" if parsed.skipped else ""))
    langs, skipped = _languages(parsed, source, lang)
    paragraphs: list[Paragraph] = []
    front: dict[str, list[str]] = {}
    fallback = lang or next((x for x in langs if x in ("en", "zh")), "en")
    skipped += [replace(s, lang=s.lang or fallback) for s in parsed.skipped]
    read: list[tuple[str, int, int]] = []
    for L in ("en", "zh"):
        lb = [b for b, x in zip(blocks, langs) if x == L]
        n_skipped = sum(1 for s in skipped if s.lang == L)
        if lb or n_skipped:
            paras, front_lines, n_front = _paragraphs(doc_id, L, lb, parsed.plain)
            paragraphs += paras
            if front_lines:
                front[L] = front_lines
            read.append((L, len(lb) + n_skipped, n_front))
    meta = read_meta(front, parsed.meta.get("copyright", "")) if parsed.plain else meta_from(parsed.meta, front)
    h = content_hash(paragraphs)
    return Document(
        doc_id=doc_id, source=source, meta=meta, paragraphs=tuple(paragraphs), content_hash=h, parse_hash=h,
        skipped=tuple(skipped), blocks_read=tuple(read),  # type: ignore[arg-type]
    )


def meta_from(fields: dict[str, str], front: dict[str, list[str]]) -> DocumentMeta:
    """Metadata a format carries (front matter, document properties): the title in its language."""
    title = fields.get("title", "")
    zh_title = title if HAN_RE.search(title) else ""
    return DocumentMeta(
        title="" if zh_title and "en" not in front else title,
        author=fields.get("author", ""),
        date=fields.get("date", "") or find_date(" ".join(ln for lines in front.values() for ln in lines)),
        copyright=fields.get("copyright", ""),
        title_zh=zh_title if "en" not in front or not title else "",
    )


def file_lang(parsed: Parsed, everything: bool = False) -> str:
    """A one-language file's language: Han characters against Latin words over its prose (a
    Chinese README holds much English: commands, names, tables); ``everything``: over all its text."""
    prose = " ".join(b.script_text for b in parsed.blocks if everything or b.kind not in NEUTRAL_KINDS) + " " + parsed.front
    han = count_scripts(prose)[0]
    return "zh" if han >= 0.5 * len(LATIN_WORD_RE.findall(prose)) and han else "en"


def parse_text(text: str, doc_id: str, source: str) -> Document:
    """Plain text → Document with paragraphs (¶0 front matter, ¶1..n body) per language; no alignment yet."""
    return build_document(parse_plain(text, source), doc_id, source)


# How a document's chunks are embedded (2: each under its heading path). Part of every version, so an
# index written by an older release is embedded again by the next ``rag ingest``.
CHUNK_FORMAT = "2"


def content_hash(paragraphs: list[Paragraph] | tuple[Paragraph, ...], extra: str = "") -> str:
    h = hashlib.sha256(f"chunks:{CHUNK_FORMAT}\x1e".encode())
    for p in paragraphs:
        h.update(f"{p.doc}\x1f{p.lang}\x1f{p.n}\x1f{p.text}\x1e".encode())
        if p.section or p.page or p.kind not in ("prose", "front"):
            h.update(f"{p.section}\x1f{p.kind}\x1f{p.page}\x1e".encode())
    h.update(extra.encode())
    return h.hexdigest()


def body_count(paragraphs, lang: Lang) -> int:
    return sum(1 for p in paragraphs if p.lang == lang and p.n > 0)
