"""HTML/Markdown rendering for the UI: citation chips, the side-by-side reader, answer details.

Every piece of document or user text is escaped: the UI shows HTML/script tags, never runs them."""

from __future__ import annotations

import html

from rag.answer.markers import MARKER_RE
from rag.types import Answer, Discrepancy, Document, Paragraph


def cite_key(doc: str, lang: str, n: int) -> str:
    return f"{doc}|{lang}|{n}"


def chip(doc: str, lang: str, n: int, place: str = "") -> str:
    """A clickable citation; ``place`` ("EN ¶12 · Getting Started › Hardware · p. 4") is its label when
    given, and its tooltip always tells the document and the place."""
    # the chat sanitizer strips data-* attributes but keeps classes: the key travels hex-encoded in one
    key = cite_key(doc, lang, n).encode().hex()
    title = html.escape(f"{doc} · {place}" if place else doc, quote=True)
    label = html.escape(place or f"{lang.upper()} ¶{n}")
    return f'<span class="cite-chip ck-{key}" role="button" tabindex="0" title="{title}">{label}</span>'


def answer_html(ans: Answer) -> str:
    """The answer text (escaped) with its inline markers turned into clickable chips."""
    if ans.refused and not ans.citations:
        return f'<div class="refusal">{html.escape(ans.text)}</div>'
    by_label = {}
    for c in ans.citations:
        by_label.setdefault((c.lang, c.paragraph), c)

    def inline(text: str) -> str:
        out = []
        pos = 0
        for m in MARKER_RE.finditer(text):
            out.append(html.escape(text[pos : m.start()]))
            lang, n = m.group(1).lower(), int(m.group(2))
            c = by_label.get((lang, n))
            out.append(" " + _inline_chip(c) if c else html.escape(m.group(0)))
            pos = m.end()
        out.append(html.escape(text[pos:]))
        return "".join(out)

    main = "<br>".join(inline(line) for line in ans.text.split("\n") if line.strip())
    out = [f'<div class="refusal">{main}</div>' if ans.refused else main]
    chips = " ".join(chip(c.doc, c.lang, c.paragraph, c.place) for c in ans.citations)
    docs = sorted({c.doc for c in ans.citations})
    src = f'<div class="cite-row">{chips}<span class="cite-doc">{html.escape(", ".join(docs))}</span></div>' if chips else ""
    return f'<div class="answer">{"".join(out)}</div>{src}'


def _twin_keys(e) -> tuple:
    return tuple((t.lang, t.n) for t in e.twins)


def evidence_html(ans_or_evidence, coming: bool = False) -> str:
    """The evidence block: the candidate units (verbatim, with chips; those the answer quotes marked)
    and their aligned paragraphs in the other language. While the model works it says the answer is
    coming; under a refusal it says why and that this is the closest the documents come."""
    if isinstance(ans_or_evidence, Answer):
        ans, evidence = ans_or_evidence, ans_or_evidence.evidence
    else:
        ans, evidence = None, ans_or_evidence
    if coming:
        head, cls = "Evidence · 证据 — answer coming… 回答生成中…", "evidence coming"
    elif ans is not None and ans.refused:
        why = f" ({ans.verdict.reason})" if ans.verdict and ans.verdict.reason else ""
        head, cls = f"Not answered{html.escape(why)}. The closest the documents come · 文档中最接近的内容:", "evidence refused"
    else:
        head, cls = "Evidence · 证据", "evidence"
    picked = _selected(ans, len(evidence))
    items = []
    for i, e in enumerate(evidence):
        q = e.quote
        mark = '<span class="ev-mark">✓ in the answer · 已用于回答</span> ' if i in picked else ""
        shared = i + 1 < len(evidence) and _twin_keys(evidence[i + 1]) == _twin_keys(e)
        twins = "" if shared else "".join(  # sentences of one paragraph: its translation once, after the last
            f'<div class="ev-twin"><span class="plabel">{t.lang.upper()} ¶{t.n}</span> {html.escape(t.text)}</div>'
            for t in e.twins)
        cls_q = "ev-quote ev-selected" if i in picked else "ev-quote"
        items.append(f'<blockquote class="{cls_q}">{mark}{html.escape(q.sentence)} {chip(q.doc, q.lang, q.paragraph, e.place)}'
                     f'</blockquote>{twins}')
    return f'<div class="{cls}"><div class="ev-head">{head}</div>{"".join(items)}</div>'


def _selected(ans: Answer | None, n: int) -> set[int]:
    """The evidence items the answer quotes (its checks list the units in evidence order); none when it
    refused (the model may have selected units that lack the question's key terms)."""
    if ans is None or ans.refused:
        return set()
    units = [c for c in ans.checks if c.outcome in ("selected", "not selected")]
    if len(units) != n or not any(c.outcome == "selected" for c in units):
        return set()
    return {i for i, c in enumerate(units) if c.outcome == "selected"}


def _inline_chip(c) -> str:
    """A marker inside the answer text stays short ("EN ¶12"); its tooltip has the section and page."""
    key = cite_key(c.doc, c.lang, c.paragraph).encode().hex()
    title = html.escape(f"{c.doc} · {c.place}", quote=True)
    return f'<span class="cite-chip ck-{key}" role="button" tabindex="0" title="{title}">{c.lang.upper()} ¶{c.paragraph}</span>'


def details_markdown(ans: Answer, lang_ui: str = "en") -> str:
    """The collapsible panel: the decision, the units selected, retrieved paragraphs, scores and timings."""
    rows = _decision_lines(ans) + ["| # | paragraph | score |", "|---|---|---|"]
    for i, h in enumerate(ans.retrieved, 1):
        rows.append(f"| {i} | {h.lang.upper()} ¶{h.paragraph} ({_md(h.doc)}) | {h.score:.3f} |")
    t = ans.timings_ms
    timing = " · ".join(f"{k} {round(v, 1):.0f} ms" for k, v in t.items())  # as kept (0.1 ms), so a reopened answer reads the same
    standalone = (
        f"\n\nSearched as: *{_md(ans.standalone_question)}*"
        if ans.standalone_question and ans.standalone_question != ans.question
        else ""
    )
    return "\n".join(rows) + f"\n\n⏱ {timing}{standalone}"


def _decision_lines(ans: Answer) -> list[str]:
    """Why it answered or refused, and how many candidate units the model selected."""
    out = []
    if ans.verdict:
        out.append(f"**Decided by** `{ans.verdict.rule}`: {_md(ans.verdict.reason)}")
    out += [f"**Read from the document the question names**: {_md(c.reason)}" for c in ans.checks if c.outcome == "named"]
    out += [f"**The versions differ**: {_md(c.reason)}" for c in ans.checks if c.outcome == "noted"]
    out += [f"**Written in your language**: {_md(c.reason)}" for c in ans.checks if c.outcome == "rendered"]
    out += [f"**A rendering not shown**: {_md(c.sentence)} ({_md(c.reason)})" for c in ans.checks if c.outcome == "dropped"]
    units = [c for c in ans.checks if c.outcome in ("selected", "not selected")]
    if units:
        chosen = [c for c in units if c.outcome == "selected"]
        out.append(f"**Units**: {len(chosen)} of {len(units)} candidates selected and quoted")
    return out + [""] if out else []


def _md(s: str) -> str:
    return html.escape(s).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def page_html(para: Paragraph, png: bytes, twins: list[Paragraph]) -> str:
    """A cited PDF paragraph's page (highlighted) beside its aligned paragraph(s) in the other language."""
    import base64

    src = "data:image/png;base64," + base64.b64encode(png).decode()
    label = html.escape(para.place)
    side = "".join(f'<div class="twin"><span class="plabel">{html.escape(t.place)}</span> {html.escape(t.text)}</div>'
                   for t in twins) or '<div class="twin none">(no aligned paragraph in the other version)</div>'
    pages = f"pages {para.page}–{para.page_end}" if para.page_end and para.page_end != para.page else f"page {para.page}"
    return (f'<div class="page-view"><figure><img src="{src}" alt="{label}, {pages}">'
            f'<figcaption>{label} · {pages}</figcaption></figure><div class="twins">{side}</div></div>')


def reader_rows(doc: Document) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """Rows of the side-by-side reader: each alignment link (one paragraph beside one, two or three)
    and each unaligned paragraph on its own, in reading order."""
    rows: list[tuple[list[int], list[int]]] = []
    for a, b in doc.alignment:
        if rows and (a in rows[-1][0] or b in rows[-1][1]):
            rows[-1][0].append(a) if a not in rows[-1][0] else None
            rows[-1][1].append(b) if b not in rows[-1][1] else None
        else:
            rows.append(([a], [b]))
    out = [(tuple(e), tuple(z)) for e, z in rows]
    out += [((p.n,), ()) for p in doc.by_lang("en") if not doc.twins("en", p.n)]
    out += [((), (p.n,)) for p in doc.by_lang("zh") if not doc.twins("zh", p.n)]
    out = [r for r in out if r[0] or r[1]]
    out.sort(key=lambda r: (r[0][0] if r[0] else (r[1][0] if r[1] else 0), r[1][0] if r[1] else 0))
    return out


def reader_html(doc: Document | None, highlight: tuple[str, int] | None = None,
                found: list[Discrepancy] | None = None) -> str:
    """The whole document, English and Chinese side by side, aligned paragraph by paragraph; with
    ``found`` (``rag.diff``), the "Differences" list above it and a badge on each differing paragraph
    in both columns (its kind; hover or click for the reason)."""
    if doc is None:
        return '<div class="reader empty">No document yet. Upload one or run <code>rag ingest</code>.</div>'
    hl_lang, hl_n = highlight if highlight else (None, None)
    out = [f'<div class="reader" data-doc="{html.escape(doc.doc_id, quote=True)}">']
    title = doc.meta.title or doc.meta.title_zh or doc.doc_id
    out.append(f'<div class="reader-title">{html.escape(title)} <span class="reader-doc">{html.escape(doc.doc_id)}</span></div>')
    if found is not None and len(doc.langs) == 2:
        out.append(differences_html(doc, found))
    badges = _badges(found or [])
    out.append('<table class="pairs"><thead><tr><th>English</th><th>中文</th></tr></thead><tbody>')
    for en_ns, zh_ns in reader_rows(doc):
        is_hl = (hl_lang == "en" and hl_n in en_ns) or (hl_lang == "zh" and hl_n in zh_ns)
        rid = f"pair-en{'-'.join(map(str, en_ns)) or 'x'}-zh{'-'.join(map(str, zh_ns)) or 'x'}"
        out.append(f'<tr id="{rid}" class="pair{" hl" if is_hl else ""}">')
        for lang, ns in (("en", en_ns), ("zh", zh_ns)):
            paras = [p for p in (doc.get(lang, n) for n in ns) if p is not None]
            if not paras:
                out.append('<td class="para missing">—</td>')
                continue
            out.append(_reader_cell(paras, lang, hl_n if hl_lang == lang else None, badges))
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


KIND_LABELS = {"missing": "missing · 缺失", "numbers": "numbers · 数字", "names": "names · 名称",
               "structure": "structure · 结构", "stale": "stale · 过时"}


def _badges(found: list[Discrepancy]) -> dict[tuple[str, int], list[Discrepancy]]:
    """The discrepancies each paragraph takes part in: a badge on it in the reader."""
    out: dict[tuple[str, int], list[Discrepancy]] = {}
    for d in found:
        for lang, ns in (("en", d.en), ("zh", d.zh)):
            for n in ns:
                out.setdefault((lang, n), []).append(d)
    return out


def _badge(d: Discrepancy) -> str:
    """A kind badge: hover shows the reason (title), a click opens it (details)."""
    reason = html.escape(f"{d.where}: {d.reason}")
    return (f'<details class="diff d-{d.kind} s-{d.severity}"><summary class="diff-badge" title="{reason}">'
            f'{html.escape(d.kind)}</summary><div class="diff-reason">{reason}</div></details>')


def differences_html(doc: Document, found: list[Discrepancy]) -> str:
    """The "Differences" view: every discrepancy with its kind, severity, paragraphs (chips that show
    them in the reader) and reason; folded, its count in the summary."""
    from rag.diff import counts_line

    if not found:
        return '<details class="differences" id="differences"><summary>Differences · 差异: none found</summary></details>'
    rows = []
    for d in found:
        chips = " ".join(chip(doc.doc_id, lang, ns[0], f"{lang.upper()} ¶{ns[0]}" + (f"–{ns[-1]}" if len(ns) > 1 else ""))
                         for lang, ns in (("en", d.en), ("zh", d.zh)) if ns)
        rows.append(f'<tr class="d-{d.kind} s-{d.severity}"><td><span class="diff-badge">{html.escape(d.kind)}</span></td>'
                    f'<td>{d.severity}</td><td>{chips}</td><td>{html.escape(d.reason)}</td></tr>')
    return (f'<details class="differences" id="differences"><summary>Differences · 差异: {len(found)} '
            f'({html.escape(counts_line(found))})</summary><table class="diff-list"><thead><tr><th>kind</th>'
            f'<th>severity</th><th>where</th><th>reason</th></tr></thead><tbody>{"".join(rows)}</tbody></table></details>')


def _paragraph_html(p) -> str:
    """One paragraph in the reader: headings look like headings, code keeps its lines, PDFs show the page."""
    label = f"{p.lang.upper()} ¶{p.n}" + (f" · p. {p.page}" if p.page else "")
    if p.kind == "code":
        body = f"<pre>{html.escape(p.text)}</pre>"
    elif p.kind == "heading":
        body = f'<span class="rhead h{min(len(p.section) or 1, 4)}">{html.escape(p.text)}</span>'
    else:
        body = html.escape(p.text).replace("\n", "<br>")
    return f'<div class="rpara k-{p.kind}" title="{html.escape(p.place, quote=True)}"><span class="plabel">{label}</span> {body}</div>'


def _reader_cell(paras, lang: str, cited_n: int | None, badges: dict | None = None) -> str:
    cited = " cited" if cited_n is not None and any(p.n == cited_n for p in paras) else ""
    labels = ", ".join(f"{lang.upper()} ¶{p.n}" for p in paras)
    kinds = " ".join(sorted({f"k-{p.kind}" for p in paras}))
    mine = list(dict.fromkeys(d for p in paras for d in (badges or {}).get((lang, p.n), [])))
    flags = f'<div class="diff-badges">{"".join(_badge(d) for d in mine)}</div>' if mine else ""
    differs = " differs" if mine else ""
    return (f'<td class="para {lang}{cited}{differs} {kinds}" data-label="{labels}">{flags}'
            f'{"".join(_paragraph_html(p) for p in paras)}</td>')


CSS = """
.evidence { font-size:.92em; } .evidence .ev-head { color:#6b7280; font-weight:600; margin-bottom:.2em; }
.evidence.coming .ev-head { color:#b45309; } .evidence.refused .ev-head { color:#b91c1c; }
.ev-quote { margin:.3em 0; padding:.2em .7em; border-left:3px solid #f59e0b; background:#fffbeb; }
.ev-selected { border-left-color:#16a34a; background:#f0fdf4; }
.ev-mark { font-size:.8em; color:#166534; font-weight:600; }
.ev-twin { margin:0 0 .4em 1em; color:#4b5563; font-size:.95em; }
.page-view { display:flex; gap:.8em; align-items:flex-start; margin-bottom:.6em; }
.page-view figure { margin:0; flex:3; } .page-view img { width:100%; border:1px solid #d1d5db; }
.page-view figcaption { font-size:.8em; color:#6b7280; } .page-view .twins { flex:2; font-size:.92em; }
.page-view .twin { padding:.4em .6em; background:#fef9c3; border-left:3px solid #f59e0b; margin-bottom:.4em; }
.cite-chip { display:inline-block; padding:0 .5em; margin:0 .15em; border-radius:.8em; background:#e0ecff; color:#1d4ed8;
  font-size:.85em; font-weight:600; cursor:pointer; border:1px solid #93c5fd; white-space:nowrap; }
.cite-chip:hover { background:#bfdbfe; }
.cite-row { margin-top:.4em; }
.cite-doc { color:#6b7280; font-size:.8em; margin-left:.5em; }
.refusal { color:#92400e; background:#fef3c7; padding:.3em .6em; border-radius:.4em; }
.reader { max-height: 70vh; overflow-y:auto; font-size:.92em; }
.reader-title { font-weight:700; margin-bottom:.4em; }
.reader-doc { color:#6b7280; font-weight:400; font-size:.8em; }
.pairs { width:100%; border-collapse:collapse; table-layout:fixed; }
.pairs td { vertical-align:top; padding:.4em .6em; border-bottom:1px solid #e5e7eb; }
.pairs tr.hl td { background:#fff7cc; }
.pairs td.cited { outline:2px solid #f59e0b; background:#ffe9a8 !important; }
.plabel { display:inline-block; font-size:.75em; color:#1d4ed8; font-weight:700; margin-right:.3em; }
.hidden-ctl { display:none !important; }
.rhead { font-weight:700; } .rhead.h1 { font-size:1.3em; } .rhead.h2 { font-size:1.15em; } .rhead.h3 { font-size:1.05em; }
.pairs td.k-heading { padding-top:.9em; }
.pairs td pre { white-space:pre-wrap; font-size:.85em; background:#f3f4f6; padding:.3em; margin:0; }
.diff-badges { float:right; display:flex; gap:.2em; margin-left:.3em; }
details.diff > summary { list-style:none; } details.diff > summary::-webkit-details-marker { display:none; }
.diff-badge { display:inline-block; padding:0 .45em; border-radius:.7em; font-size:.72em; font-weight:700; cursor:pointer;
  background:#fee2e2; color:#991b1b; border:1px solid #fca5a5; }
.d-numbers .diff-badge { background:#ffedd5; color:#9a3412; border-color:#fdba74; }
.d-names .diff-badge { background:#ede9fe; color:#5b21b6; border-color:#c4b5fd; }
.d-structure .diff-badge { background:#e0f2fe; color:#075985; border-color:#7dd3fc; }
.d-stale .diff-badge { background:#f3f4f6; color:#374151; border-color:#d1d5db; }
.diff-reason { position:absolute; z-index:5; max-width:28em; background:#fff; border:1px solid #d1d5db; padding:.3em .5em;
  font-size:.8em; box-shadow:0 2px 6px rgba(0,0,0,.15); }
.pairs td.differs { background:#fffaf0; }
.differences { margin:.3em 0 .6em; font-size:.9em; } .differences > summary { cursor:pointer; font-weight:600; }
.diff-list { width:100%; border-collapse:collapse; } .diff-list td, .diff-list th { padding:.2em .4em; border-bottom:1px solid #e5e7eb;
  text-align:left; vertical-align:top; }
"""

# clicks on chips anywhere (chat messages are re-rendered, so the listener is delegated)
JS = """
() => {
  if (window.__citeHandler) return;
  window.__citeHandler = true;
  document.addEventListener('click', (e) => {
    const chip = e.target.closest('.cite-chip');
    if (!chip) return;
    e.preventDefault();
    e.stopPropagation();
    const box = document.querySelector('#cite-target textarea, #cite-target input');
    const go = document.querySelector('#cite-go');
    if (!box || !go) return;
    const cls = Array.from(chip.classList).find((c) => c.startsWith('ck-'));
    if (!cls) return;
    const hex = cls.slice(3);
    const bytes = new Uint8Array(hex.match(/../g).map((h) => parseInt(h, 16)));
    box.value = new TextDecoder().decode(bytes);
    box.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => go.click(), 50);
  }, true);
}
"""

SCROLL_JS = "() => { setTimeout(() => { const el = document.querySelector('.pairs tr.hl'); if (el) el.scrollIntoView({block: 'center'}); }, 100); }"
