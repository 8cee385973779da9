"""An answer sentence that ends in a colon gets the block it announces.

A small model asked "What command launches the controller?" often copies the lead-in of the answer and
stops: "…you need to launch a controller by: [EN ¶251]". The command is the block after that paragraph
(``rag.answer.leadin`` put it in the context). When a sentence of the answer ends in a colon and cites a
lead-in whose block the context holds, the block is written under it, verbatim as the model read it and
cited: a code block fenced, list items, table rows and captions one per line. It is the document's own
text, so it needs no claim check; the reader checks it against the paragraph it cites.
"""

from __future__ import annotations

from typing import ClassVar, Iterator

from rag.answer.citations import marker
from rag.answer.leadin import COLONS, unit
from rag.answer.state import AnswerState, Event, Tools
from rag.answer.support import Unit, cited_by
from rag.types import Hit


def announced(state: AnswerState, lang: str, n: int) -> list[tuple[Hit, str]]:
    """The context's paragraphs of the block that paragraph ``n`` (a lead-in of the context) introduces,
    each with its kind, in document order; a block shown once in the other version's words (code)
    counts as shown."""
    lead = next((h for h in state.context if h.lang == lang and h.paragraph == n), None)
    doc = state.lookup(lead.doc) if lead else None
    paras = unit(doc, lang, n) if doc else []
    if not paras or paras[0].n != n:
        return []
    by_key = {h.key: h for h in state.context}
    by_text = {}
    for h in state.context:
        stored = doc.get(h.lang, h.paragraph) if h.doc == doc.doc_id else None  # type: ignore[union-attr]
        if stored is not None:
            by_text.setdefault(stored.text, h)
    out = []
    for p in paras[1:]:
        h = by_key.get((p.doc, p.lang, p.n)) or by_text.get(p.text)
        if h is None:  # the context holds the block's start only (the budget)
            break
        out.append((h, p.kind))
    return out


def render(block: list[tuple[Hit, str]]) -> str:
    """The block (each paragraph with its kind) as Markdown under its lead-in: code fenced, everything
    else one line per paragraph."""
    lines = []
    for h, kind in block:
        label = marker(h.lang, h.paragraph)
        if kind == "code":
            lines.append(f"```\n{h.text}\n```\n{label}")
        else:
            lines.append(f"- {' '.join(h.text.split())} {label}")
    return "\n".join(lines)


class CompleteStage:
    """After the checks, before the quotes: each answer sentence ending in a colon that cites a lead-in
    gets its block. A quote is not completed: the quotes stage picks a lead-in for its words, and the
    block under it (a log, a command) was about something else in 2 of 2 answers measured."""

    name: ClassVar[str] = "complete"
    setting: ClassVar[str | None] = "complete_leadins"  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.tools = tools

    def run(self, state: AnswerState) -> Iterator[Event]:
        text = state.text
        for u in Unit.split(text):
            if not u.plain.rstrip().endswith(COLONS):
                continue
            block = next((b for lang, n in u.labels if (b := announced(state, lang, n))), [])
            at = text.find(u.text)
            if not block or at < 0 or marker(block[0][0].lang, block[0][0].paragraph) in text:
                continue  # a block the answer already cites is not written twice
            end = at + len(u.text)
            text = text[:end] + "\n\n" + render(block) + "\n\n" + text[end:].lstrip()
        if text != state.text:
            state.text = text.rstrip()
            state.citations = cited_by(state.text, state.citations, state.context, state.lookup)
        return iter(())

