"""Retrieval and the context the model reads: aligned pairs of paragraphs, the question's language
(or the version it names) first, under one header line per document (title; byline and date only
for questions about it)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, Iterator

from rag.answer import prompts
from rag.answer.about import header_answers
from rag.answer.state import AnswerState, Event, Tools
from rag.index.retrieve import PairHit
from rag.types import Document, Hit, Paragraph, doc_lang


class RetrieveStage:
    """Aligned pairs for the standalone question, from one snapshot of the index, all of one document
    (``one_document``: the best pair's); with the default ``k``, a pair after the first joins only
    within ``pair_margin`` of it (each costs ~2 s of prompt)."""

    name: ClassVar[str] = "retrieve"
    setting: ClassVar[str | None] = None  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.retriever = tools.retriever
        self.settings = tools.settings

    def run(self, state: AnswerState) -> Iterator[Event]:
        yield Event("status", "retrieving")
        versions = self.retriever.store.versions()  # one snapshot of the index for the whole answer
        seen: dict[str, Document | None] = {}

        def lookup(doc_id: str) -> Document | None:
            if doc_id not in seen:
                seen[doc_id] = self.retriever.document(doc_id, versions)
            return seen[doc_id]

        state.lookup = lookup
        k = state.k or self.settings.top_k
        pairs, state.hits = self.retriever.pairs(state.q.search_text, k=k, docs=state.docs, versions=versions)
        if self.settings.one_document and len({p.doc for p in pairs}) > 1:
            # two documents' paragraphs under the same labels ([EN ¶3]) would blend into one answer
            pairs, _ = self.retriever.pairs(state.q.search_text, k=k, docs=[pairs[0].doc], versions=versions)
        if pairs and state.k is None:
            pairs = [p for p in pairs if p.score >= pairs[0].score - self.settings.pair_margin]
        state.pairs = pairs
        state.timer.mark("retrieve")


def header_line(doc: Document | None, lang: str, full: bool = True, front: Paragraph | None = None) -> str:
    """The document header as one source line, labelled by ``front`` (default: the document's ¶0):
    title always; byline and date when ``full``."""
    front = front or (doc.front if doc else None)
    if doc is None or front is None:  # no front matter to cite the header by
        return ""
    p = prompts.load(lang)
    m = doc.meta
    if not (m.title or m.author or m.date):
        return ""
    parts = [f"{p['header_title']}: {m.full_title}"]
    if full:
        for key, value in (("author", m.author), ("affiliation", m.affiliation), ("date", m.date)):
            if value:
                parts.append(f"{p['header_' + key]}: {value}")
    return f"[{front.lang.upper()} ¶0] " + " | ".join(parts)


def document_labels(doc: Document) -> list[str]:
    """What a reader may call a document: its file names (README.en.md → README), its titles and id."""
    names = [Path(src.strip()).name.split(".")[0] for src in doc.source.split(" + ") if src.strip()]
    return [*dict.fromkeys(names), doc.meta.title, doc.meta.title_zh, doc.doc_id]


def about_the_document(state: AnswerState) -> bool:
    """A question about the document itself (author, date, title), or one whose best pair is the header."""
    return state.q.about_doc or any(h.paragraph == 0 for p in state.pairs[:1] for h in p.members)


class ContextStage:
    """The header and source lines, the paragraphs the model sees, and what the rules need to know:
    the documents' texts and the header fields the question asks for."""

    name: ClassVar[str] = "context"
    setting: ClassVar[str | None] = None  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.settings = tools.settings

    def run(self, state: AnswerState) -> Iterator[Event]:
        state.header_only = about_the_document(state)
        full = not self.settings.header_for_meta_only or state.header_only
        docs = [state.lookup(d) for d in dict.fromkeys(p.doc for p in state.pairs)]
        state.header, state.sources, state.context = self.context(state.pairs, docs, state.q.lang, full, state.q.version)
        state.system = prompts.load(state.q.prompt_lang)["system"].format(header=state.header, sources=state.sources)
        state.ranked = ranked(state.context, state.hits)
        state.paragraphs = [para.text for doc in docs if doc for para in doc.paragraphs]
        state.labels = [x for doc in docs if doc for x in document_labels(doc)]
        if self.settings.answer_header_fields:
            for doc in docs:
                if doc and doc.front:
                    for f in header_answers(state.q.fields, doc.meta):
                        state.fields.setdefault(f, doc)
        return iter(())

    @staticmethod
    def context(
        pairs: list[PairHit], docs: list[Document | None], lang: str, full: bool, version: str | None = None
    ) -> tuple[str, str, list[Hit]]:
        """(header lines, source lines, the paragraphs the model sees): the paragraphs and front matter
        of the ``version`` the question names first, else those of the question's language."""
        first = version or doc_lang(lang)
        by_id = {d.doc_id: d for d in docs if d}
        hits: list[Hit] = []
        lines: list[str] = []
        headers: list[str] = []
        shown_docs: set[str] = set()
        for pair in pairs:
            doc = by_id.get(pair.doc)
            if pair.doc not in shown_docs and doc is not None:
                shown_docs.add(pair.doc)
                front = doc.front_of(version)
                h = header_line(doc, lang, full, front)
                if h and front is not None:
                    headers.append(h)
                    # cite ¶0 by what the model saw (labels in the question's language) plus its own text
                    shown = h.split("] ", 1)[-1]
                    hits.append(Hit(pair.doc, front.lang, 0, f"{shown}\n{front.text}" if full else front.text, 0.0))
            for h in sorted(pair.members, key=lambda h: h.lang != first):
                if h.paragraph > 0:
                    lines.append(f"[{h.label}] {h.text}")
                    hits.append(h)
        return "\n".join(headers), "\n".join(lines), hits


def ranked(ctx: list[Hit], hits: list[Hit], limit: int = 10) -> list[Hit]:
    """What was retrieved, best first: the context paragraphs, then the other candidates."""
    out: list[Hit] = []
    seen = set()
    for h in sorted((h for h in ctx if h.paragraph > 0), key=lambda h: -h.score) + list(hits):
        if h.key not in seen:
            seen.add(h.key)
            out.append(h)
    return out[:limit]
