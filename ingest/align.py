"""Align EN ¶i ↔ ZH ¶j: a monotonic dynamic-programming alignment over embedding similarity.

In the spirit of vecalign/bertalign: a link joins one paragraph to one, two or three consecutive
paragraphs of the other version (a translation that split or merged them; the merged side is scored
by the normalised sum of its vectors), and a paragraph with no counterpart is a gap. A link is worth
its similarity less ``min_sim`` (less a small cost per merged paragraph, less a penalty when a code
block or a heading meets something else); the alignment maximises the sum. When both versions have
the same heading outline (the same levels in the same order), headings anchor each other and the
sections between them are aligned one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ingest.parse import content_hash
from rag.diff import components
from rag.types import Document, Paragraph

LINKS = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1))  # paragraphs on each side of a link


@dataclass(frozen=True)
class AlignConfig:
    min_sim: float = 0.45  # a 1–1 link below this similarity is worth less than two gaps
    merge_cost: float = 0.04  # per extra paragraph in a link
    kind_penalty: float = 0.25  # code or heading linked to a different kind of block
    neighbours: int = 3  # a paragraph of a link must be more alike to its partner than to this many next-best
    margin: float = 0.0  # … candidates of each side on average, by this much ("no counterpart" otherwise),
    band: float = 0.15  # … counting candidates this near the diagonal (a share of the document's length)


@dataclass(frozen=True)
class AlignStats:
    links: int  # links between body paragraphs
    merged: int  # links that join more than one paragraph on a side
    unaligned_en: int
    unaligned_zh: int


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.linalg.norm(v, axis=-1, keepdims=True), 1e-9)


def _spans(v: np.ndarray, k: int) -> np.ndarray:
    """Normalised sums of k consecutive vectors: row r = v[r] + … + v[r+k-1]."""
    if len(v) < k:
        return np.zeros((0, v.shape[1]))
    return _unit(sum(v[s : len(v) - k + 1 + s] for s in range(k)))


def _background(s: np.ndarray, k: int, band: float) -> np.ndarray:
    """bg[i, j]: the mean of the ``k`` best similarities of row i and of column j other than s[i, j]
    itself, among the candidates near the diagonal (within ``band`` of the document's length, at
    least 8 paragraphs: a near-copy of a paragraph in another section is no rival), −1 where a side
    has no other candidate: how alike paragraphs that are not a paragraph's translation are to it. A
    translation stands out of its row and column; a paragraph without one is about as alike to its
    best candidate as to the next ones."""
    n, m = s.shape
    rows = np.arange(n)[:, None] * (m / max(n, 1))
    near = np.abs(np.arange(m)[None, :] - rows) <= max(8.0, band * max(n, m))

    def side(x: np.ndarray, ok: np.ndarray) -> np.ndarray:  # along axis 1
        kk = min(k, x.shape[1] - 1)
        if kk <= 0:
            return np.full(x.shape, -1.0)
        masked = np.where(ok, x, -1.0)
        top = -np.sort(-masked, axis=1)[:, : kk + 1]  # the best kk + 1 of each row
        with_cell = (top.sum(1, keepdims=True) - x) / kk  # the cell is one of them: leave it out
        without = top[:, :kk].sum(1, keepdims=True) / kk
        return np.where(x >= top[:, kk : kk + 1], with_cell, without)

    return (side(s, near) + side(s.T, near.T).T) / 2


def _members(ok: np.ndarray, a: int, b: int) -> np.ndarray:
    """m[i, j]: every paragraph on the merged side of link (a, b) at (i, j) is ``ok`` (a 1–1 test) with
    the single paragraph on the other side."""
    n, m = ok.shape
    if a == 1:
        return np.all([ok[:, k : m - b + 1 + k] for k in range(b)], axis=0)
    return np.all([ok[k : n - a + 1 + k, :] for k in range(a)], axis=0)


def _special(kinds: list[str]) -> np.ndarray:
    return np.array([{"code": 1, "heading": 2}.get(k, 0) for k in kinds])


def dp_align(E: np.ndarray, Z: np.ndarray, en_kinds: list[str], zh_kinds: list[str],
             cfg: AlignConfig = AlignConfig()) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Links (en indices, zh indices) over unit vectors E (n×d) and Z (m×d), in order."""
    n, m = len(E), len(Z)
    if n == 0 or m == 0:
        return []
    ke, kz = _special(en_kinds), _special(zh_kinds)
    one = E @ Z.T
    # a paragraph and a candidate translation; headings are short and all alike: a heading beside a
    # heading needs no margin (the order of the sections keeps a missing section's heading alone)
    headings = np.outer(ke == 2, kz == 2)
    stands_out = (one - _background(one, cfg.neighbours, cfg.band) >= cfg.margin) | headings
    score = {}
    for a, b in LINKS:
        s = _spans(E, a) @ _spans(Z, b).T  # s[i, j]: en i..i+a-1 with zh j..j+b-1
        if s.size:
            pen = (ke[: n - a + 1, None] != kz[None, : m - b + 1]) * cfg.kind_penalty
            # a link counts once per paragraph it covers, so a split translation is worth linking whole …
            value = (a + b) / 2 * (s - cfg.min_sim) - cfg.merge_cost * (a + b - 2) - pen
            # … and is made only of paragraphs that stand out as each other's: no weak link is forced
            score[(a, b)] = np.where(_members(stands_out, a, b), value, -1e9)
            if a + b > 2:  # a translation does not split or merge table rows: a row too many has no counterpart
                rows = _members(np.outer(np.asarray(en_kinds) == "table", np.asarray(zh_kinds) == "table"), a, b)
                score[(a, b)] = np.where(rows, -1e9, score[(a, b)])
    NEG = -1e9
    D = np.zeros((n + 1, m + 1))
    move = np.zeros((n + 1, m + 1), dtype=np.int8)  # 0: zh gap, 1: en gap, 2+: LINKS[k-2]
    for i in range(1, n + 1):
        best = D[i - 1].copy()  # en paragraph i-1 has no counterpart
        mv = np.ones(m + 1, dtype=np.int8)
        for k, (a, b) in enumerate(LINKS):
            if i < a or (a, b) not in score:
                continue
            cand = np.full(m + 1, NEG)
            cand[b:] = D[i - a, : m + 1 - b] + score[(a, b)][i - a, : m + 1 - b]
            better = cand > best
            best = np.where(better, cand, best)
            mv = np.where(better, k + 2, mv)
        acc = np.maximum.accumulate(best)  # zh paragraphs with no counterpart
        move[i] = np.where(acc > best, 0, mv)
        D[i] = acc
    return _backtrack(move, n, m)


def _backtrack(move: np.ndarray, n: int, m: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    links = []
    i, j = n, m
    while i > 0 and j > 0:
        mv = int(move[i, j])
        if mv == 0:
            j -= 1
        elif mv == 1:
            i -= 1
        else:
            a, b = LINKS[mv - 2]
            links.append((tuple(range(i - a, i)), tuple(range(j - b, j))))
            i, j = i - a, j - b
    return links[::-1]


def _outline(paras: list[Paragraph]) -> list[int]:
    return [len(p.section) for p in paras if p.kind == "heading"]


def _segments(en: list[Paragraph], zh: list[Paragraph]) -> list[tuple[range, range]]:
    """Index ranges to align separately: split at anchored headings when the outlines match."""
    outline = _outline(en)
    if not outline or outline != _outline(zh):
        return [(range(len(en)), range(len(zh)))]
    he = [i for i, p in enumerate(en) if p.kind == "heading"] + [len(en)]
    hz = [j for j, p in enumerate(zh) if p.kind == "heading"] + [len(zh)]
    segs = [(range(0, he[0]), range(0, hz[0]))]
    for k in range(len(he) - 1):
        segs.append((range(he[k], he[k] + 1), range(hz[k], hz[k] + 1)))  # the heading pair itself
        segs.append((range(he[k] + 1, he[k + 1]), range(hz[k] + 1, hz[k + 1])))
    return segs


def align_paragraphs(en: list[Paragraph], zh: list[Paragraph], vectors: tuple[np.ndarray, np.ndarray],
                     cfg: AlignConfig = AlignConfig()) -> list[tuple[int, int]]:
    """(en ¶n, zh ¶m) pairs; a merged link gives one pair per paragraph it joins. Figures (an image's
    alt text) take no part in the similarity alignment: they are paired afterwards (``_figures``)."""
    E, Z = _unit(np.asarray(vectors[0], dtype=np.float32)), _unit(np.asarray(vectors[1], dtype=np.float32))
    pairs: list[tuple[int, int]] = []
    for re_, rz in _segments(en, zh):
        if len(re_) == 1 and len(rz) == 1 and en[re_[0]].kind == zh[rz[0]].kind == "heading":
            pairs.append((en[re_[0]].n, zh[rz[0]].n))
            continue
        ei = [i for i in re_ if en[i].kind != "figure"]
        zj = [j for j in rz if zh[j].kind != "figure"]
        seg: list[tuple[int, int]] = []
        for a, b in dp_align(E[ei], Z[zj], [en[i].kind for i in ei], [zh[j].kind for j in zj], cfg):
            seg += [(en[ei[x]].n, zh[zj[y]].n) for x in a for y in b]
        pairs += seg + _figures([en[i] for i in re_], [zh[j] for j in rz], seg)
    return sorted(pairs)


def _figures(en: list[Paragraph], zh: list[Paragraph], links: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Figures of one section, paired with the other version's: first those of the same alt text; then,
    as a translation keeps its figures where they stand (their alt text translated), a figure with the
    first unpaired figure that follows the counterpart of the paragraph before it (or that also opens
    the section); a figure left over goes with the paragraph of the other version that holds its image
    inline (its alt text), the one linked to the paragraph just before the figure."""
    fe, fz = [p for p in en if p.kind == "figure"], [p for p in zh if p.kind == "figure"]
    out: list[tuple[int, int]] = []
    for same_alt in (True, False):
        for f in (f for f in fe if f.n not in {a for a, _ in out}):
            taken = {b for _, b in out}
            match = next((z for z in fz if z.n not in taken and
                          (z.text == f.text if same_alt else _after_counterparts(f, z, en, zh, links))), None)
            if match is not None:
                out.append((f.n, match.n))
    for side, mine, theirs in (("en", en, zh), ("zh", zh, en)):
        paired = {a if side == "en" else b for a, b in out}
        for f in mine:
            if f.kind != "figure" or f.n in paired:
                continue
            before = _before(mine, f)
            partners = [b if side == "en" else a for a, b in links if (a if side == "en" else b) == before]
            holder = next((p.n for p in theirs if p.n in partners and f.text in p.text), None)
            if holder is not None:
                out.append((f.n, holder) if side == "en" else (holder, f.n))
    return out


def _before(paras: list[Paragraph], f: Paragraph) -> int | None:
    """The number of the last paragraph before figure ``f`` that is not a figure (None: none in the section)."""
    return next((p.n for p in reversed(paras) if p.n < f.n and p.kind != "figure"), None)


def _after_counterparts(f: Paragraph, z: Paragraph, en: list[Paragraph], zh: list[Paragraph],
                        links: list[tuple[int, int]]) -> bool:
    """Whether figures ``f`` (English) and ``z`` (Chinese) follow linked paragraphs, or both open the section."""
    a, b = _before(en, f), _before(zh, z)
    return (a is None and b is None) or (a, b) in set(links)


def link_similarity(pairs, en: list[Paragraph], zh: list[Paragraph],
                    vectors: tuple[np.ndarray, np.ndarray]) -> tuple[tuple[int, int, float], ...]:
    """(en_n, zh_n, cosine) for every body pair: the cosine of its link, each side's vectors summed."""
    E, Z = _unit(np.asarray(vectors[0], dtype=np.float32)), _unit(np.asarray(vectors[1], dtype=np.float32))
    ie = {p.n: i for i, p in enumerate(en)}
    iz = {p.n: i for i, p in enumerate(zh)}
    out = []
    for ens, zhs in components(pairs):
        if not all(a in ie for a in ens) or not all(b in iz for b in zhs):
            continue
        sim = float(_unit(E[[ie[a] for a in ens]].sum(0)) @ _unit(Z[[iz[b] for b in zhs]].sum(0)))
        out += [(a, b, round(sim, 4)) for a in ens for b in zhs]
    return tuple(sorted(out))


def stats(doc: Document) -> AlignStats:
    body = [(a, b) for a, b in doc.alignment if a > 0 and b > 0]
    en_count: dict[int, int] = {}
    zh_count: dict[int, int] = {}
    for a, b in body:
        en_count[a] = en_count.get(a, 0) + 1
        zh_count[b] = zh_count.get(b, 0) + 1
    merged_en = sum(1 for c in en_count.values() if c > 1)  # one EN paragraph, several ZH
    merged_zh = sum(1 for c in zh_count.values() if c > 1)
    links = len(body) - sum(c - 1 for c in en_count.values()) - sum(c - 1 for c in zh_count.values())
    un = dict.fromkeys(("en", "zh"), 0)
    for lang, _ in doc.unaligned:
        un[lang] += 1
    return AlignStats(links, merged_en + merged_zh, un["en"], un["zh"])


def align(doc: Document, embed=None, cfg: AlignConfig = AlignConfig()) -> Document:
    """Return ``doc`` with its alignment and unaligned paragraphs set (``embed``: paragraphs → vectors)."""
    en = [p for p in doc.paragraphs if p.lang == "en" and p.n > 0]
    zh = [p for p in doc.paragraphs if p.lang == "zh" and p.n > 0]
    pairs: list[tuple[int, int]] = []
    similarity: tuple[tuple[int, int, float], ...] = ()
    if en and zh:
        if embed is not None:
            vecs = (embed(en), embed(zh))
            pairs = align_paragraphs(en, zh, vecs, cfg)
        if len(en) == len(zh) and len({a for a, _ in pairs}) < len(en) / 2:
            # no embedder, or one that cannot tell translations apart (it found under half of them):
            # versions with as many paragraphs are paired by position
            pairs = [(a.n, b.n) for a, b in zip(en, zh)]
        if embed is not None:
            similarity = link_similarity(pairs, en, zh, vecs)
    if doc.get("en", 0) and doc.get("zh", 0):
        pairs.insert(0, (0, 0))
    paired_en = {a for a, _ in pairs}
    paired_zh = {b for _, b in pairs}
    unaligned = tuple(
        (p.lang, p.n)
        for p in doc.paragraphs
        if len(doc.langs) == 2
        and ((p.lang == "en" and p.n not in paired_en) or (p.lang == "zh" and p.n not in paired_zh))
    )
    aligned = tuple(pairs)
    return replace(
        doc, alignment=aligned, unaligned=unaligned, similarity=similarity,
        content_hash=content_hash(doc.paragraphs, repr(aligned)),
    )


def merge_pair(en_doc: Document, zh_doc: Document, doc_id: str, source: str) -> Document:
    """One document from two one-language files; every paragraph of each is kept."""
    paras = [replace(p, doc=doc_id) for p in en_doc.paragraphs + zh_doc.paragraphs]
    meta = replace(
        en_doc.meta,
        title=en_doc.meta.title or "",
        title_zh=zh_doc.meta.title_zh or zh_doc.meta.title,
        date=en_doc.meta.date or zh_doc.meta.date,
        author=en_doc.meta.author or zh_doc.meta.author,
    )
    h = content_hash(paras)
    return Document(
        doc_id=doc_id, source=source, meta=meta, paragraphs=tuple(paras), content_hash=h, parse_hash=h,
        skipped=en_doc.skipped + zh_doc.skipped, blocks_read=en_doc.blocks_read + zh_doc.blocks_read,
    )
