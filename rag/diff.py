"""Where the two versions of a document disagree: a translation discrepancy report.

Pure functions over a stored ``Document`` (its paragraphs, the alignment's links and their
similarities); no model is called. Kinds, each with a one-line reason and a severity:

- ``missing``: paragraphs of one version the alignment left without a counterpart (a run of them,
  such as a section, is one discrepancy);
- ``numbers``: linked paragraphs whose numbers, dates, versions, sizes or percentages differ, whatever
  their format, script or unit (``rag.text.numerals``: 1,350 = 1350 = 一千三百五十, 5 月 = May);
- ``names``: names, addresses, identifiers or inline code one side writes and the other does not
  (``rag.text.names``);
- ``structure``: a link that joins list items or table rows to a different number of them (three
  list items written as one paragraph), and a table with a different number of rows or columns;
- ``stale``: linked paragraphs much less alike than the document's typical link, by the similarity of
  their vectors or the ratio of their lengths (likely an outdated translation).
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

from rag.text.script import latin_length
from rag.types import DISCREPANCY_KINDS, Discrepancy, Document, Paragraph

ITEM_KINDS = ("list", "table")
ENUMERATED = re.compile(r"^\s*(?:\d{1,2}[.)）、]|[(（]\d{1,2}[)）]|[一二三四五六七八九十]{1,3}、)")


def components(pairs) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Body pairs (en_n, zh_n) grouped into links: the EN and ZH paragraphs connected by them (a merged
    link joins two or three of one side), in document order."""
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(x: tuple[str, int]) -> tuple[str, int]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    body = [(a, b) for a, b in pairs if a > 0 and b > 0]
    for a, b in body:
        parent[root(("en", a))] = root(("zh", b))
    groups: dict[tuple[str, int], tuple[set[int], set[int]]] = {}
    for a, b in body:
        g = groups.setdefault(root(("en", a)), (set(), set()))
        g[0].add(a)
        g[1].add(b)
    return sorted((tuple(sorted(e)), tuple(sorted(z))) for e, z in groups.values())



@dataclass(frozen=True)
class DiffConfig:
    stale_sim_z: float = -3.5  # a link this many robust deviations below the document's typical similarity
    stale_len_z: float = 3.5  # … or whose length ratio is this many deviations from the typical ratio
    stale_min_chars: int = 80  # paragraphs shorter than this (in the longer side's English-equivalent) are not judged
    stale_min_links: int = 8  # a document with fewer comparable links has no typical link
    stale_sim_spread: float = 0.03  # the least spread of similarities (a document of uniform links)
    stale_len_spread: float = 0.15  # … and of log length ratios
    missing_high_paragraphs: int = 3  # a run of this many paragraphs (or one with a heading) is high severity


@dataclass(frozen=True)
class Link:
    """Linked paragraphs: one or more of each version (a translation that split or merged them)."""

    en: tuple[Paragraph, ...]
    zh: tuple[Paragraph, ...]
    similarity: float | None

    @property
    def en_text(self) -> str:
        return "\n".join(p.text for p in self.en)

    @property
    def zh_text(self) -> str:
        return "\n".join(p.text for p in self.zh)


def links(doc: Document) -> list[Link]:
    """The alignment's links (``components``) with their paragraphs, in document order."""
    sims = {(a, b): s for a, b, s in doc.similarity}
    index = {(p.lang, p.n): p for p in doc.paragraphs}
    out = []
    for en, zh in components(doc.alignment):
        ps_en = tuple(index[("en", n)] for n in en if ("en", n) in index)
        ps_zh = tuple(index[("zh", n)] for n in zh if ("zh", n) in index)
        if ps_en and ps_zh:
            out.append(Link(ps_en, ps_zh, sims.get((en[0], zh[0]))))
    return sorted(out, key=lambda k: (k.en[0].n, k.zh[0].n))


def _span(ns: tuple[int, ...]) -> str:
    return f"¶{ns[0]}" if len(ns) == 1 else f"¶{ns[0]}–{ns[-1]}"


def missing(doc: Document, cfg: DiffConfig) -> list[Discrepancy]:
    """Runs of consecutive paragraphs of one version without a counterpart."""
    lonely = {(lang, n) for lang, n in doc.unaligned if n > 0}
    out = []
    for lang, other in (("en", "Chinese"), ("zh", "English")):
        run: list[Paragraph] = []
        for p in [p for p in doc.paragraphs if p.lang == lang and p.n > 0] + [None]:
            if p is not None and (lang, p.n) in lonely:
                run.append(p)
                continue
            if run:
                out.append(_missing_run(lang, other, run, cfg))
                run = []
    return out


def _missing_run(lang: str, other: str, run: list[Paragraph], cfg: DiffConfig) -> Discrepancy:
    ns = tuple(p.n for p in run)
    head = next((p for p in run if p.kind == "heading"), None)
    what = f"the section “{_short(head.text)}”" if head else (
        f"{len(run)} paragraphs" if len(run) > 1 else f"a {run[0].kind if run[0].kind != 'prose' else 'paragraph'}")
    verb = "has" if len(run) == 1 else "have"
    reason = f"{lang.upper()} {_span(ns)} ({what}: “{_short(run[0].text)}”) {verb} no {other} counterpart"
    if head or len(run) >= cfg.missing_high_paragraphs or sum(len(p.text) for p in run) >= 400:
        severity = "high"
    elif all(p.kind == "figure" or len(p.text.strip()) < 12 for p in run):
        severity = "low"
    else:
        severity = "medium"
    en, zh = (ns, ()) if lang == "en" else ((), ns)
    return Discrepancy("missing", en, zh, reason, severity)


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _ids(link: Link) -> tuple[tuple[int, ...], tuple[int, ...]]:
    return tuple(p.n for p in link.en), tuple(p.n for p in link.zh)


def one_sided_numbers(en: str, zh: str) -> tuple[list[str], list[str]]:
    """The numbers each text states, as written, that the other does not show in any form (each once)."""
    from rag.text.numerals import readable, stated

    en_only = [n.text for n in stated(en) if n.value not in readable(zh)]
    zh_only = [n.text for n in stated(zh) if n.value not in readable(en)]
    return list(dict.fromkeys(en_only)), list(dict.fromkeys(zh_only))


def numbers(link: Link) -> Discrepancy | None:
    en_only, zh_only = one_sided_numbers(link.en_text, link.zh_text)
    if not en_only and not zh_only:
        return None
    parts = []
    if en_only:
        parts.append("the English states " + ", ".join(en_only))
    if zh_only:
        parts.append("the Chinese states " + ", ".join(zh_only))
    reason = "; ".join(parts) + (" (not in the other version)" if not (en_only and zh_only) else "")
    return Discrepancy("numbers", *_ids(link), reason, "high", link.similarity, tuple(en_only), tuple(zh_only))


def _cells(link: Link) -> list[tuple[str, str]] | None:
    """A link of two table rows with as many cells: the cells side by side (a name is compared with
    its own column: a link in one column may differ although the row writes it in another)."""
    if len(link.en) == len(link.zh) == 1 and link.en[0].kind == link.zh[0].kind == "table":
        en, zh = link.en[0].text.split(" | "), link.zh[0].text.split(" | ")
        if len(en) == len(zh) > 1:
            return list(zip(en, zh))
    return None


def _one_sided(mine: list[tuple[str, str]], lang: str, other: str, vocab) -> list[str]:
    """The names of ``mine`` ((text, kind) pieces, each beside the other version's piece) that the other
    version's piece does not write. A ``word`` name (DashScope, Docker) counts only when the other
    version writes it somewhere else (otherwise it translates it) and the document does not also write
    it in lower case (Color, Config); an acronym (API, SFT) is translated by its meaning too often to count."""
    from rag.text.names import flat, is_acronym, names as names_of, written

    found: list[str] = []
    for (text, kind), theirs in mine:
        ft = flat(theirs)
        for name in names_of(text, lang, kind):
            if name.kind == "word" and (kind == "code" or is_acronym(name) or vocab.common(name)
                                        or not vocab.has(other, name)):
                continue
            if name.text not in found and not written(name, theirs, ft):
                if found and f"{found[-1]} {name.text}" in text:  # "Hugging" and "Face": one name said
                    found[-1] = f"{found[-1]} {name.text}"
                else:
                    found.append(name.text)
    return found


def names(link: Link, vocab) -> Discrepancy | None:
    """Names, addresses and identifiers one side writes and the other does not (``_one_sided``)."""
    cells = _cells(link)
    sides = {}
    for lang, other in (("en", "zh"), ("zh", "en")):
        if cells is not None:
            pieces = [((pair[0] if lang == "en" else pair[1], "table"), pair[1] if lang == "en" else pair[0])
                      for pair in cells]
        else:
            theirs = getattr(link, f"{other}_text")
            pieces = [((p.text, p.kind), theirs) for p in getattr(link, lang)]
        sides[lang] = _one_sided(pieces, lang, other, vocab)
    if not sides["en"] and not sides["zh"]:
        return None
    parts = [f"only the {'English' if lang == 'en' else 'Chinese'} writes {', '.join(v)}" for lang, v in sides.items() if v]
    return Discrepancy("names", *_ids(link), "; ".join(parts), "medium", link.similarity, tuple(sides["en"]),
                       tuple(sides["zh"]))


def _items(ps: tuple[Paragraph, ...]) -> int:
    return sum(1 for p in ps if p.kind in ITEM_KINDS or ENUMERATED.match(p.text))


def structure(link: Link) -> Discrepancy | None:
    """A link that joins list items or table rows to a different number of them."""
    ne, nz = _items(link.en), _items(link.zh)
    if ne == nz or max(ne, nz) < 2:
        return None

    def say(n: int, ps: tuple[Paragraph, ...]) -> str:
        if len(ps) == 1:
            return f"one {'list item' if ps[0].kind == 'list' else 'row' if ps[0].kind == 'table' else 'paragraph'}"
        if n == 0:
            return f"{len(ps)} paragraphs"
        return f"{n} {'rows' if all(p.kind == 'table' for p in ps) else 'items'}"

    reason = f"the English writes {say(ne, link.en)} where the Chinese writes {say(nz, link.zh)}"
    return Discrepancy("structure", *_ids(link), reason, "medium", link.similarity)


def tables(doc: Document, all_links: list[Link]) -> list[Discrepancy]:
    """Linked tables with a different number of rows or columns."""
    def blocks(lang: str) -> list[tuple[Paragraph, ...]]:
        out: list[list[Paragraph]] = []
        for p in doc.by_lang(lang):
            if p.kind == "table" and out and out[-1][-1].kind == "table" and out[-1][-1].n == p.n - 1 \
                    and out[-1][-1].section == p.section:
                out[-1].append(p)
            elif p.kind == "table":
                out.append([p])
        return [tuple(b) for b in out]

    zh_blocks = blocks("zh")
    partner = {b.n: tuple(p.n for p in link.en) for link in all_links for b in link.zh}
    out = []
    for eb in blocks("en"):
        ens = {p.n for p in eb}
        zb = next((b for b in zh_blocks if any(set(partner.get(p.n, ())) & ens for p in b)), None)
        if zb is None:
            continue
        cols_en = max(len(p.text.split(" | ")) for p in eb)
        cols_zh = max(len(p.text.split(" | ")) for p in zb)
        if len(eb) != len(zb):
            reason = f"the English table has {len(eb)} rows, the Chinese {len(zb)}"
        elif cols_en != cols_zh:
            reason = f"the English table has {cols_en} columns, the Chinese {cols_zh}"
        else:
            continue
        out.append(Discrepancy("structure", tuple(p.n for p in eb), tuple(p.n for p in zb), reason, "medium"))
    return out


def _robust(values: list[float], least: float) -> tuple[float, float]:
    """Median and spread (the median absolute deviation, scaled like a standard deviation; at least ``least``)."""
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values) * 1.4826
    return med, max(mad, least)


def stale(all_links: list[Link], cfg: DiffConfig) -> list[Discrepancy]:
    """Links far less alike than the document's typical link."""
    prose = [k for k in all_links if all(p.kind not in ("code", "table", "figure", "heading") for p in k.en + k.zh)
             and max(latin_length(k.en_text), latin_length(k.zh_text)) >= cfg.stale_min_chars]
    if len(prose) < cfg.stale_min_links:
        return []
    ratios = [math.log(latin_length(k.zh_text) / latin_length(k.en_text)) for k in prose]
    r_med, r_mad = _robust(ratios, cfg.stale_len_spread)
    sims = [k.similarity for k in prose if k.similarity is not None]
    s_med, s_mad = _robust(sims, cfg.stale_sim_spread) if len(sims) >= cfg.stale_min_links else (None, None)
    out = []
    for k, r in zip(prose, ratios):
        rz = (r - r_med) / r_mad
        sz = (k.similarity - s_med) / s_mad if s_med is not None and k.similarity is not None else 0.0
        if sz > cfg.stale_sim_z and abs(rz) < cfg.stale_len_z:
            continue
        if abs(rz) >= cfg.stale_len_z:
            longer = "Chinese" if rz > 0 else "English"
            reason = f"the {longer} is {math.exp(abs(r - r_med)):.1f}× as long as the document's typical pair"
        else:
            reason = f"similarity {k.similarity:.2f} against {s_med:.2f} for the document's typical pair"
        severity = "medium" if min(sz, -abs(rz)) <= -2 * cfg.stale_len_z else "low"
        out.append(Discrepancy("stale", *_ids(k), reason, severity, k.similarity))
    return out


def discrepancies(doc: Document, cfg: DiffConfig = DiffConfig()) -> list[Discrepancy]:
    """Every discrepancy of a two-language document, in document order; none for a one-language one."""
    if len(doc.langs) < 2:
        return []
    from rag.text.names import Vocabulary

    all_links = links(doc)
    vocab = Vocabulary.of({lang: "\n".join(p.text for p in doc.by_lang(lang) if p.n > 0) for lang in ("en", "zh")})
    out = missing(doc, cfg)
    for link in all_links:
        out += [d for d in (numbers(link), names(link, vocab), structure(link)) if d is not None]
    out += tables(doc, all_links)
    out += stale(all_links, cfg)
    return sorted(out, key=_position(doc))


def _position(doc: Document):
    """Sort key: where a discrepancy starts, reading the English version (a Chinese-only one after
    the English paragraph linked before it)."""
    before: dict[int, int] = {}
    last = 0
    zh_of = sorted((b, a) for a, b in doc.alignment if a > 0 and b > 0)
    for b, a in zh_of:
        last = max(last, a)
        before[b] = last
    order = {"missing": 0, "structure": 1, "numbers": 2, "names": 3, "stale": 4}

    def key(d: Discrepancy) -> tuple:
        if d.en:
            return (d.en[0], 0, order[d.kind])
        prev = max((a for b, a in before.items() if b < d.zh[0]), default=0)
        return (prev, 1, order[d.kind])

    return key



def counts(found: list[Discrepancy]) -> dict[str, int]:
    """Discrepancies per kind, every kind named (0 when none)."""
    out = dict.fromkeys(DISCREPANCY_KINDS, 0)
    for d in found:
        out[d.kind] += 1
    return out


def counts_line(found: list[Discrepancy]) -> str:
    """"missing 3, numbers 1, names 4, structure 0, stale 1" (the ingest report's line)."""
    return ", ".join(f"{k} {n}" for k, n in counts(found).items())


def _excerpt(doc: Document, lang: str, ns: tuple[int, ...], n: int = 160) -> str:
    return _short(" ".join(p.text for k in ns if (p := doc.get(lang, k)) is not None), n)


def text_report(doc: Document, found: list[Discrepancy]) -> list[str]:
    """What `rag diff` prints: a count line, then each discrepancy with both paragraphs' starts."""
    out = [f"{doc.doc_id}: {len(found)} discrepanc{'y' if len(found) == 1 else 'ies'} ({counts_line(found)})"]
    for d in found:
        out.append(f"[{d.kind} · {d.severity}] {d.where}{_place(doc, d)}")
        out.append(f"  {d.reason}")
        for lang, ns in (("en", d.en), ("zh", d.zh)):
            if ns:
                out.append(f"  {lang.upper()}: {_excerpt(doc, lang, ns)}")
    return out


def _place(doc: Document, d: Discrepancy) -> str:
    lang, ns = ("en", d.en) if d.en else ("zh", d.zh)
    p = doc.get(lang, ns[0])
    if p is None:
        return ""
    where = " › ".join(p.section[-2:]) if p.section else ""
    return (f" · {where}" if where else "") + (f" · p. {p.page}" if p.page else "")


def markdown_report(doc: Document, found: list[Discrepancy]) -> str:
    """A Markdown report: a count table, then one section per discrepancy quoting both paragraphs."""
    def md(s: str) -> str:
        return s.replace("|", "\\|").replace("\n", " ")

    c = counts(found)
    out = [f"# Discrepancies: {md(doc.meta.full_title or doc.doc_id)}", "",
           "| " + " | ".join(c) + " |", "|" + "---|" * len(c), "| " + " | ".join(map(str, c.values())) + " |", ""]
    for i, d in enumerate(found, 1):
        out += [f"## {i}. {d.kind} ({d.severity}): {d.where}{md(_place(doc, d))}", "", md(d.reason), ""]
        for lang, ns in (("en", d.en), ("zh", d.zh)):
            if ns:
                out.append(f"> **{lang.upper()}** {md(_excerpt(doc, lang, ns, 400))}")
                out.append(">")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def csv_report(doc: Document, found: list[Discrepancy]) -> str:
    """One CSV row per discrepancy: kind, severity, paragraphs, section, page, reason, both texts."""
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["doc", "kind", "severity", "en_paragraphs", "zh_paragraphs", "section", "page", "reason",
                "similarity", "en_text", "zh_text"])
    for d in found:
        rec = d.record(doc)
        first = (rec["en"] or rec["zh"])[0] if rec["en"] or rec["zh"] else {}
        w.writerow([doc.doc_id, d.kind, d.severity, " ".join(map(str, d.en)), " ".join(map(str, d.zh)),
                    " › ".join(first.get("section", [])), first.get("page") or "", d.reason,
                    "" if d.similarity is None else f"{d.similarity:.3f}",
                    "\n\n".join(p["text"] for p in rec["en"]), "\n\n".join(p["text"] for p in rec["zh"])])
    return buf.getvalue()
