"""HTML/Markdown rendering for the UI: citation chips, the side-by-side reader, answer details.

Every piece of document or user text is escaped: the UI shows HTML/script tags, never runs them."""

from __future__ import annotations

import html

from rag.citations import MARKER_RE
from rag.types import Answer, Document


def cite_key(doc: str, lang: str, n: int) -> str:
    return f"{doc}|{lang}|{n}"


def chip(doc: str, lang: str, n: int) -> str:
    # the chat sanitizer strips data-* attributes but keeps classes: the key travels hex-encoded in one
    key = cite_key(doc, lang, n).encode().hex()
    return f'<span class="cite-chip ck-{key}" role="button" tabindex="0" title="{html.escape(doc, quote=True)}">{lang.upper()} ¶{n}</span>'


def answer_html(ans: Answer) -> str:
    """The answer text (escaped) with its inline markers turned into clickable chips."""
    if ans.refused and not ans.citations:
        return f'<div class="refusal">{html.escape(ans.text)}</div>'
    by_label = {}
    for c in ans.citations:
        by_label.setdefault((c.lang, c.paragraph), c.doc)

    def inline(text: str) -> str:
        out = []
        pos = 0
        for m in MARKER_RE.finditer(text):
            out.append(html.escape(text[pos : m.start()]))
            lang, n = m.group(1).lower(), int(m.group(2))
            doc = by_label.get((lang, n))
            out.append(" " + chip(doc, lang, n) if doc else html.escape(m.group(0)))
            pos = m.end()
        out.append(html.escape(text[pos:]))
        return "".join(out)

    body, quotes = [], []
    for line in ans.text.split("\n"):
        if line.startswith("> "):  # a supporting sentence quoted from the document
            quotes.append(f'<blockquote class="quote">{inline(line[2:])}</blockquote>')
        elif line.strip():
            body.append(inline(line))
    main = "<br>".join(body)
    out = [f'<div class="refusal">{main}</div>' if ans.refused else main, *quotes]  # a refusal may show what the document does say
    chips = " ".join(chip(c.doc, c.lang, c.paragraph) for c in ans.citations)
    docs = sorted({c.doc for c in ans.citations})
    src = f'<div class="cite-row">{chips}<span class="cite-doc">{html.escape(", ".join(docs))}</span></div>' if chips else ""
    return f'<div class="answer">{"".join(out)}</div>{src}'


def details_markdown(ans: Answer, lang_ui: str = "en") -> str:
    """The collapsible panel: retrieved paragraphs, scores and timings."""
    rows = ["| # | paragraph | score |", "|---|---|---|"]
    for i, h in enumerate(ans.retrieved, 1):
        rows.append(f"| {i} | {h.lang.upper()} ¶{h.paragraph} ({_md(h.doc)}) | {h.score:.3f} |")
    t = ans.timings_ms
    timing = " · ".join(f"{k} {v:.0f} ms" for k, v in t.items())
    standalone = (
        f"\n\nSearched as: *{_md(ans.standalone_question)}*"
        if ans.standalone_question and ans.standalone_question != ans.question
        else ""
    )
    return "\n".join(rows) + f"\n\n⏱ {timing}{standalone}"


def _md(s: str) -> str:
    return html.escape(s).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def reader_html(doc: Document | None, highlight: tuple[str, int] | None = None) -> str:
    """The whole document, English and Chinese side by side, aligned paragraph by paragraph."""
    if doc is None:
        return '<div class="reader empty">No document yet. Upload one or run <code>rag ingest</code>.</div>'
    rows: list[tuple[int | None, int | None]] = list(doc.alignment)
    paired_en = {a for a, _ in rows}
    paired_zh = {b for _, b in rows}
    rows += [(p.n, None) for p in doc.by_lang("en") if p.n not in paired_en]
    rows += [(None, p.n) for p in doc.by_lang("zh") if p.n not in paired_zh]
    rows.sort(key=lambda r: (r[0] if r[0] is not None else r[1] or 0, r[1] or 0))
    hl_lang, hl_n = highlight if highlight else (None, None)
    out = [f'<div class="reader" data-doc="{html.escape(doc.doc_id, quote=True)}">']
    title = doc.meta.title or doc.meta.title_zh or doc.doc_id
    out.append(f'<div class="reader-title">{html.escape(title)} <span class="reader-doc">{html.escape(doc.doc_id)}</span></div>')
    out.append('<table class="pairs"><thead><tr><th>English</th><th>中文</th></tr></thead><tbody>')
    for en_n, zh_n in rows:
        is_hl = (hl_lang == "en" and en_n == hl_n) or (hl_lang == "zh" and zh_n == hl_n)
        rid = f"pair-en{en_n if en_n is not None else 'x'}-zh{zh_n if zh_n is not None else 'x'}"
        out.append(f'<tr id="{rid}" class="pair{" hl" if is_hl else ""}">')
        for lang, n in (("en", en_n), ("zh", zh_n)):
            p = doc.get(lang, n) if n is not None else None
            if p is None:
                out.append('<td class="para missing">—</td>')
                continue
            cited = " cited" if (is_hl and lang == hl_lang) else ""
            body = html.escape(p.text).replace("\n", "<br>")
            out.append(f'<td class="para {lang}{cited}" data-label="{lang.upper()} ¶{n}"><span class="plabel">{lang.upper()} ¶{n}</span> {body}</td>')
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


CSS = """
.quote { margin:.5em 0 0; padding:.2em .7em; border-left:3px solid #93c5fd; color:#374151; font-size:.95em; }
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
