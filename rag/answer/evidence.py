"""Evidence first: as soon as retrieval is done, before any model call, the source sentences that best
match the question, with the aligned paragraph(s) of the other version. The reader can start checking
while the model still reads its prompt (seconds on a CPU); the answer, when it comes, is checked
against the same paragraphs."""

from __future__ import annotations

from typing import ClassVar, Iterator

from rag.answer.quotes import pick_quotes
from rag.answer.state import AnswerState, Event, Tools
from rag.types import Evidence, Hit


def pick_evidence(state: AnswerState, max_items: int = 2) -> tuple[Evidence, ...]:
    """The best-matching sentences of the retrieved pairs, in the answer's document language first
    (the other one when the documents lack it), the front matter included (a question about the author
    or the date is answered there); the best sentence of the top paragraph when no sentence holds
    enough of the question's terms."""
    hits: list[Hit] = [m for p in state.pairs for m in p.members]
    first = state.q.source_lang
    quotes = []
    for lang in (first, "en" if first == "zh" else "zh"):
        quotes = pick_quotes(state.q.search_text, "", hits, lang, max_quotes=max_items, front=True)
        quotes = quotes or pick_quotes(state.q.search_text, "", hits[:2], lang, max_quotes=1, min_share=0.0, front=True)
        if quotes:
            break
    out = []
    for q in quotes:
        doc = state.lookup(q.doc)
        para = doc.get(q.lang, q.paragraph) if doc else None
        if para is None:
            continue
        other = "zh" if q.lang == "en" else "en"
        twins = tuple(t for t in (doc.get(other, n) for n in doc.twins(q.lang, q.paragraph)) if t is not None)
        out.append(Evidence(q, para.place, twins))
    return tuple(out)


class EvidenceStage:
    """The evidence event, right after retrieval (``timings_ms['evidence']``)."""

    name: ClassVar[str] = "evidence"
    setting: ClassVar[str | None] = "evidence_first"

    def __init__(self, tools: Tools) -> None:
        self.max_items = tools.settings.max_quotes

    def run(self, state: AnswerState) -> Iterator[Event]:
        state.evidence = pick_evidence(state, self.max_items)
        state.timer.mark("evidence")
        if state.evidence:
            yield Event("evidence", evidence=state.evidence)
