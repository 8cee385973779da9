"""Domain objects shared by every package: frozen dataclasses, no dict soup."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Lang = Literal["en", "zh"]
# answer languages: English, simplified Chinese, traditional Chinese
AnswerLang = Literal["en", "zh", "zh-Hant"]
LANGS: tuple[Lang, ...] = ("en", "zh")


def doc_lang(answer_lang: str) -> Lang:
    """The document language that serves an answer language."""
    return "en" if answer_lang == "en" else "zh"


def place_label(lang: str, n: int, section: tuple[str, ...] = (), page: int | None = None,
                page_end: int | None = None) -> str:
    """"EN ¶12 · Getting Started › Hardware · p. 4" (or "p. 4–5" when it runs on): where a paragraph stands, for people."""
    out = f"{lang.upper()} ¶{n}"
    if section:
        out += " · " + " › ".join(section)
    if page:
        out += f" · p. {page}" + (f"–{page_end}" if page_end and page_end != page else "")
    return out


@dataclass(frozen=True)
class Paragraph:
    doc: str
    lang: Lang
    n: int  # 0 = front matter, 1..n body
    text: str
    section: tuple[str, ...] = ()  # heading path; a heading's own path ends with itself
    kind: str = "prose"  # front | heading | prose | list | table | code | quote | figure
    page: int | None = None  # 1-based page of a PDF
    box: tuple[float, float, float, float] | None = None  # its area on the page (PDF points), where it starts
    page_end: int | None = None  # a paragraph run on past a column or page break: the page of its end
    box_end: tuple[float, float, float, float] | None = None  # and the area of its end there

    @property
    def label(self) -> str:
        return f"{self.lang.upper()} ¶{self.n}"

    @property
    def place(self) -> str:
        return place_label(self.lang, self.n, self.section, self.page, self.page_end)


@dataclass(frozen=True)
class Skipped:
    """Text of an input file that is not stored as a paragraph, and why."""

    what: str  # the start of the skipped text
    reason: str
    page: int | None = None
    lang: str = ""
    chars: int = 0  # how many characters (spaces aside) it held, where counted (PDF)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.doc, self.lang, self.n)


@dataclass(frozen=True)
class DocumentMeta:
    title: str = ""
    author: str = ""
    date: str = ""
    copyright: str = ""
    title_zh: str = ""
    affiliation: str = ""

    @property
    def full_title(self) -> str:
        """The title as the header shows it: "Title (中文标题)" when both differ, else whichever exists."""
        both = self.title and self.title_zh and self.title_zh != self.title
        return (self.title or self.title_zh) + (f" ({self.title_zh})" if both else "")


@dataclass(frozen=True)
class Document:
    """A parsed document: paragraphs of one or two languages and their alignment."""

    doc_id: str
    source: str
    meta: DocumentMeta
    paragraphs: tuple[Paragraph, ...]
    # aligned pairs (en_n, zh_n) over body paragraphs and the front matter
    alignment: tuple[tuple[int, int], ...] = ()
    unaligned: tuple[tuple[Lang, int], ...] = ()
    content_hash: str = ""  # version: text + alignment
    parse_hash: str = ""  # text only (before alignment): tells an unchanged file without embedding it
    skipped: tuple[Skipped, ...] = ()  # what ingest did not store, with the reason
    # per language: (lang, text blocks read, of which front matter): read = body + front + skipped
    blocks_read: tuple[tuple[Lang, int, int], ...] = ()
    # the input files as (language, path), "" for a one-file document: kept while ingesting, not stored
    files: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    # (en_n, zh_n, cosine) for each aligned body pair: the similarity of the link it belongs to (the
    # vectors of a merged side summed); empty when aligned without vectors or stored before it existed
    similarity: tuple[tuple[int, int, float], ...] = ()

    def by_lang(self, lang: Lang) -> tuple[Paragraph, ...]:
        return tuple(p for p in self.paragraphs if p.lang == lang)

    @property
    def langs(self) -> tuple[Lang, ...]:
        return tuple(lang for lang in ("en", "zh") if any(p.lang == lang for p in self.paragraphs))

    def get(self, lang: str, n: int) -> Paragraph | None:
        for p in self.paragraphs:
            if p.lang == lang and p.n == n:
                return p
        return None

    @property
    def front(self) -> Paragraph | None:
        """¶0, the front matter (English first): where the header's fields are cited. A document
        without front matter (a README that starts with its headings) has none."""
        return self.get("en", 0) or self.get("zh", 0)

    def twin(self, lang: str, n: int) -> int | None:
        """The aligned paragraph number in the other language, if any."""
        for en_n, zh_n in self.alignment:
            if lang == "en" and en_n == n:
                return zh_n
            if lang == "zh" and zh_n == n:
                return en_n
        return None

    def body_count(self, lang: Lang) -> int:
        return sum(1 for p in self.paragraphs if p.lang == lang and p.n > 0)

    def twins(self, lang: str, n: int) -> tuple[int, ...]:
        """Every aligned paragraph in the other language (two or three where a translation merged or
        split paragraphs)."""
        side = 0 if lang == "en" else 1
        return tuple(pair[1 - side] for pair in self.alignment if pair[side] == n)

    def link_similarity(self, en_n: int, zh_n: int) -> float | None:
        """The cosine of the link that joins EN ¶en_n and ZH ¶zh_n, if known."""
        for a, b, sim in self.similarity:
            if a == en_n and b == zh_n:
                return sim
        return None

    def paragraph_records(self, lang: str | None = None) -> list[dict]:
        """The records `rag paragraphs --json` prints and `GET /v1/documents/{doc}/paragraphs` returns."""
        return [
            {"doc": self.doc_id, "lang": p.lang, "paragraph": p.n, "text": p.text, "aligned": self.twin(p.lang, p.n),
             "twins": list(self.twins(p.lang, p.n)), "kind": p.kind, "section": list(p.section), "page": p.page}
            for p in self.paragraphs if lang is None or p.lang == lang
        ]


DISCREPANCY_KINDS = ("missing", "numbers", "names", "structure", "stale")


@dataclass(frozen=True)
class Discrepancy:
    """Where the two versions of a document disagree (``rag.diff``): the paragraphs of each
    version involved (one side empty for ``missing``), the kind, a one-line reason and a severity."""

    kind: str  # missing | numbers | names | structure | stale
    en: tuple[int, ...]
    zh: tuple[int, ...]
    reason: str
    severity: str  # high | medium | low
    similarity: float | None = None  # the link's cosine (stale)
    en_only: tuple[str, ...] = ()  # numbers or names, as written, only the English states (numbers, names)
    zh_only: tuple[str, ...] = ()  # … only the Chinese states

    @property
    def where(self) -> str:
        """"EN ¶12–13 ↔ ZH ¶14": the paragraphs, for people."""
        def side(lang: str, ns: tuple[int, ...]) -> str:
            if not ns:
                return f"no {lang.upper()}"
            span = f"{ns[0]}" if len(ns) == 1 else (f"{ns[0]}–{ns[-1]}" if ns[-1] - ns[0] == len(ns) - 1
                                                      else ", ".join(map(str, ns)))
            return f"{lang.upper()} ¶{span}"

        return f"{side('en', self.en)} ↔ {side('zh', self.zh)}"

    def record(self, doc: Document) -> dict:
        """The record `rag diff --json` prints and `GET /v1/documents/{doc}/discrepancies` returns."""
        def paras(lang: str, ns: tuple[int, ...]) -> list[dict]:
            out = []
            for n in ns:
                p = doc.get(lang, n)
                if p is not None:
                    out.append({"paragraph": n, "text": p.text, "kind": p.kind, "section": list(p.section),
                                "page": p.page})
            return out

        return {"doc": doc.doc_id, "kind": self.kind, "severity": self.severity, "reason": self.reason,
                "where": self.where, "en": paras("en", self.en), "zh": paras("zh", self.zh),
                "similarity": None if self.similarity is None else round(self.similarity, 3),
                "only": {"en": list(self.en_only), "zh": list(self.zh_only)}}


@dataclass(frozen=True)
class Chunk:
    id: str
    doc: str
    lang: Lang
    paragraph: int
    index: int  # chunk index within the paragraph
    text: str
    aligned: int | None  # aligned paragraph number in the other language
    source: str
    content_hash: str
    version: str  # content hash of the whole document this chunk belongs to
    title: str = ""  # the paragraph's heading path: what its vector is read under (``Embedder.embed_titled``)

    def metadata(self) -> dict[str, str | int]:
        return {
            "doc": self.doc,
            "lang": self.lang,
            "paragraph": self.paragraph,
            "chunk": self.index,
            "aligned": -1 if self.aligned is None else self.aligned,
            "source": self.source,
            "hash": self.content_hash,
            "version": self.version,
            "title": self.title,
        }


@dataclass(frozen=True)
class Hit:
    """A retrieved paragraph with its score (higher is better)."""

    doc: str
    lang: Lang
    paragraph: int
    text: str
    score: float
    dense: float | None = None
    lexical: float | None = None

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.doc, self.lang, self.paragraph)

    @property
    def label(self) -> str:
        return f"{self.lang.upper()} ¶{self.paragraph}"


@dataclass(frozen=True)
class Quote:
    """A unit's text (a sentence of a paragraph, a paragraph, a lead-in and its block), exactly as
    stored, shown as evidence."""

    doc: str
    lang: Lang
    paragraph: int
    sentence: str
    score: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.lang.upper()} ¶{self.paragraph}"


@dataclass(frozen=True)
class Evidence:
    """A candidate unit shown as soon as retrieval is done, before the model is asked: where the answer
    can come from, with the aligned paragraph(s) of the other version."""

    quote: Quote
    place: str  # "EN ¶12 · Getting Started › Hardware · p. 4"
    twins: tuple[Paragraph, ...] = ()

    def to_json(self) -> dict:
        q = self.quote
        return {"doc": q.doc, "lang": q.lang, "paragraph": q.paragraph, "sentence": q.sentence, "place": self.place,
                "twins": [{"lang": t.lang, "paragraph": t.n, "text": t.text} for t in self.twins]}

    @classmethod
    def from_json(cls, d: dict) -> Evidence:
        twins = tuple(Paragraph(d["doc"], t["lang"], int(t["paragraph"]), t["text"]) for t in d.get("twins", ()))
        return cls(Quote(d["doc"], d["lang"], int(d["paragraph"]), d["sentence"]), d.get("place", ""), twins)


@dataclass(frozen=True)
class Citation:
    doc: str
    lang: Lang
    paragraph: int
    text: str
    section: tuple[str, ...] = ()  # the cited paragraph's heading path
    page: int | None = None  # its page in a PDF

    @property
    def label(self) -> str:
        return f"{self.lang.upper()} ¶{self.paragraph}"

    @property
    def place(self) -> str:
        """"EN ¶12 · Getting Started › Hardware · p. 4"."""
        return place_label(self.lang, self.paragraph, self.section, self.page)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.doc, self.lang, self.paragraph)


@dataclass(frozen=True)
class Verdict:
    """The refuse-or-answer decision and the rule of ``rag.answer.verdict`` that made it."""

    refused: bool
    rule: str
    reason: str = ""

    def to_json(self) -> dict:
        return {"refused": self.refused, "rule": self.rule, "reason": self.reason}


@dataclass(frozen=True)
class SentenceCheck:
    """One candidate unit of an answer and what the select call made of it (``--json``'s ``checks``)."""

    sentence: str  # "[3] the unit's text", numbered as the select call read it; or the line on a discrepancy
    outcome: str  # selected | not selected | noted (a line on the versions) | rendered | dropped (a unit in the asker's language, shown or not) | named (the document the question names, read instead of retrieval's first)
    reason: str = ""  # where it stands: "EN ¶12"; for a noted line, the discrepancy

    def to_json(self) -> dict:
        return {"sentence": self.sentence, "outcome": self.outcome, "reason": self.reason}


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    answer_language: AnswerLang
    refused: bool
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[Hit, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    standalone_question: str = ""
    verdict: Verdict | None = None  # which rule decided to answer or refuse
    checks: tuple[SentenceCheck, ...] = ()  # each candidate unit: selected or not
    evidence: tuple[Evidence, ...] = ()  # what was shown before the model was asked (the candidate units)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "answer": self.text,
            "answer_language": self.answer_language,
            "refused": self.refused,
            "citations": [
                {"doc": c.doc, "lang": c.lang, "paragraph": c.paragraph, "text": c.text,
                 "section": list(c.section), "page": c.page}
                for c in self.citations
            ],
            "retrieved": [
                {"doc": h.doc, "lang": h.lang, "paragraph": h.paragraph, "score": round(h.score, 4)}
                for h in self.retrieved
            ],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "decided_by": self.verdict.to_json() if self.verdict else None,
            "checks": [c.to_json() for c in self.checks],
            "standalone_question": self.standalone_question,
            "evidence": [e.to_json() for e in self.evidence],
        }

    @classmethod
    def from_json(cls, d: dict) -> Answer:
        """The answer back from ``to_json`` (a stored conversation turn). Scores and timings come back
        rounded; the retrieved paragraphs' text is not kept (their citations' text is)."""
        v = d.get("decided_by")
        return cls(
            question=d["question"], text=d["answer"], answer_language=d["answer_language"], refused=bool(d["refused"]),
            citations=tuple(
                Citation(c["doc"], c["lang"], int(c["paragraph"]), c["text"], tuple(c.get("section") or ()), c.get("page"))
                for c in d.get("citations", ())
            ),
            retrieved=tuple(Hit(h["doc"], h["lang"], int(h["paragraph"]), "", float(h["score"])) for h in d.get("retrieved", ())),
            timings_ms=dict(d.get("timings_ms") or {}),
            standalone_question=d.get("standalone_question", ""),
            evidence=tuple(Evidence.from_json(e) for e in d.get("evidence", ())),
            verdict=Verdict(bool(v["refused"]), v["rule"], v.get("reason", "")) if v else None,
            checks=tuple(
                SentenceCheck(c["sentence"], c["outcome"], c.get("reason", ""))
                for c in d.get("checks", ())
            ),
        )

