"""A sentence that introduces a block and the block travel together.

READMEs and component docs put their answers in blocks a sentence ending in a colon introduces: "First,
install FastChat:" and a code block; "you will be assigned some additional rights, such as:" and one list
item per paragraph; "The results are as follows:" and a table; "as shown in the following figure:" and
its caption. Alone, neither half answers: the sentence says what the block is for, the block says what
it is, and a block embeds poorly (a command; a list item, "Tag the issue"). When retrieval finds either
half, the context gets both, the blocks cut to ``leadin_chars`` characters (each ~100 characters of
English costs ~0.25 s of prompt on a CPU); a table row, a record that reads alone, brings its lead-in only.
"""

from __future__ import annotations

from typing import ClassVar, Iterator

from rag.answer.state import AnswerState, Event, Tools
from rag.index.retrieve import PairHit
from rag.types import Document, Hit, Paragraph

BLOCK_KINDS = frozenset({"code", "list", "table", "quote", "figure"})  # a figure: its caption or alt text
COLONS = (":", "：")
ELISION = "\n…\n"
MIN_BLOCK = 80  # characters: less of a block than this says nothing


def introduces(p: Paragraph) -> bool:
    """A prose paragraph ending in a colon: what follows is what it introduces."""
    return p.kind == "prose" and p.text.rstrip().endswith(COLONS)


def unit(doc: Document, lang: str, n: int) -> list[Paragraph]:
    """The lead-in and its block that paragraph ``n`` belongs to (it is one or the other), in document
    order; [] when it belongs to none (a list no sentence introduces, a sentence no block follows)."""
    body = sorted((p for p in doc.by_lang(lang) if p.n > 0), key=lambda p: p.n)  # type: ignore[arg-type]
    at = next((i for i, p in enumerate(body) if p.n == n), None)
    if at is None:
        return []
    start = at
    while start >= 0 and body[start].kind in BLOCK_KINDS:
        start -= 1
    end = start + 1
    while end < len(body) and body[end].kind in BLOCK_KINDS:
        end += 1
    if start < 0 or end == start + 1 or not introduces(body[start]):
        return []
    return body[start:end]


def cut(text: str, budget: int) -> str:
    """``text`` within ``budget`` characters: whole lines from its start and its end (a log's error is
    its last line, a script's command its first) around an elision; a single long line by characters."""
    if len(text) <= budget:
        return text
    half = max(budget // 2, 1)
    lines = text.splitlines()
    head: list[str] = []
    tail: list[str] = []
    for line in lines:
        if sum(map(len, head)) + len(line) > half:
            break
        head.append(line)
    for line in reversed(lines[len(head):]):
        if sum(map(len, tail)) + len(line) > half:
            break
        tail.insert(0, line)
    if not head and not tail:
        return text[:half].rstrip() + " … " + text[-half:].lstrip()
    return "\n".join(head) + ELISION + "\n".join(tail)


def _pair_up(doc: Document, hits: list[Hit]) -> list[PairHit]:
    """The added paragraphs as aligned pairs (a paragraph whose twin was not added, alone)."""
    zh = {h.paragraph: h for h in hits if h.lang == "zh"}
    out = []
    for h in (h for h in hits if h.lang == "en"):
        twin = next((zh.pop(n) for n in doc.twins("en", h.paragraph) if n in zh), None)
        out.append(PairHit(doc.doc_id, h, twin, h.score))
    out.extend(PairHit(doc.doc_id, None, h, h.score) for h in zh.values())
    return out


class LeadInStage:
    """After retrieval: each context paragraph that is a lead-in or part of a block brings the rest
    of its unit, placed beside its pair in document order, within ``leadin_chars`` for the answer."""

    name: ClassVar[str] = "leadin"
    setting: ClassVar[str | None] = "leadins"  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.budget = tools.settings.leadin_chars

    def run(self, state: AnswerState) -> Iterator[Event]:
        have: set = {m.key for p in state.pairs for m in p.members} | {m.text for p in state.pairs for m in p.members}
        first = state.q.source_lang
        budget = self.budget
        out: list[PairHit] = []
        for pair in state.pairs:
            doc = state.lookup(pair.doc)
            added: list[Hit] = []
            for m in sorted(pair.members, key=lambda h: h.lang != first) if doc else ():
                hits, budget = _bring(_wanted(doc, m), have, budget, pair.score)  # type: ignore[arg-type]
                added += hits
            anchor = pair.members[0]
            before = [h for h in added if h.lang == anchor.lang and h.paragraph < anchor.paragraph]
            pairs = _pair_up(doc, added) if doc else []
            earlier = [q for q in pairs if any(h in before for h in q.members)]
            out += earlier + [pair] + [q for q in pairs if q not in earlier]
        state.pairs = out
        state.timer.mark("leadin")
        return iter(())


def _wanted(doc: Document, m: Hit) -> list[Paragraph]:
    """What a context paragraph brings of its unit: all of it, except that a table row brings only its
    lead-in. A row is a record that reads alone ("Property: danger | Description: …"); the rows the budget
    would add are the table's first ones, about other properties, and cost prompt time (measured on
    real2: a Chinese table's first 600 characters are ~400 tokens, ~4 s of first token on this CPU)."""
    paras = unit(doc, m.lang, m.paragraph)
    own = doc.get(m.lang, m.paragraph)
    return paras[:1] if own is not None and own.kind == "table" else paras


def _bring(paras: list[Paragraph], have: set, budget: int, score: float) -> tuple[list[Hit], int]:
    """The unit's paragraphs the context lacks: the lead-in whole, the block's first paragraph cut to
    the budget left (when at least ``MIN_BLOCK`` is), each further one while it fits whole; a block the
    context already holds in the other version's words (code both write alike) is not repeated."""
    out: list[Hit] = []
    blocks = 0
    for p in paras:
        if p.kind in BLOCK_KINDS:
            blocks += 1
        if (p.doc, p.lang, p.n) in have or p.text in have:
            continue
        text = p.text
        if p.kind in BLOCK_KINDS:
            if budget < MIN_BLOCK or (blocks > 1 and len(text) > budget):
                break
            text = cut(text, budget)
            budget -= len(text)
        have |= {(p.doc, p.lang, p.n), p.text}
        out.append(Hit(p.doc, p.lang, p.n, text, score))
    return out, budget
