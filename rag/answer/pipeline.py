"""The answer pipeline (LangChain runnables): analyze → retrieve pairs → check → generate → enforce
language → cite. Code, not the prompt, guarantees citations, answer language and refusals."""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field, replace
from typing import Iterator, Sequence

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import RunnableLambda

from rag.answer import prompts
from rag.answer.about import header_answers, is_about_article
from rag.answer.citations import CitationMatcher, strip_markers
from rag.answer.factcheck import drop_unsupported_years
from rag.answer.grounding import gloss_capitals, quotes_found, unglossed, ungrounded_terms
from rag.text.chinese import is_traditional, to_simplified, to_traditional
from rag.text.language import text_language
from rag.text.sentences import split_sentences
from rag.answer.negation import contradiction
from rag.answer.premise import asks_past, false_premise
from rag.answer.query import analyze, validate_question
from rag.answer.quotes import pick_quotes, render_quotes, says
from rag.index.retrieve import PairHit, Retriever
from rag.answer.sentence_evidence import best_sentence
from rag.settings import Settings
from rag.types import Answer, Citation, Document, Hit, Quote, doc_lang

log = logging.getLogger(__name__)

Turn = tuple[str, str]  # (user question, assistant answer)

_FOLLOWUP_START = re.compile(r"^\s*(and|but|also|so|what about|how about|那么?|还有|那第|而)\b|^\s*(那|还有|而)", re.I)
_FOLLOWUP_ORDINAL = re.compile(
    r"\bthe (first|second|third|fourth|fifth|last|other|next|previous) (one|point|part|obstacle|step)\b|第[一二三四五六七八九十\d]+[点個个条項项]", re.I
)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|that|this|those|these|he|she|him|his|her)\b|[它他她这那其]", re.I)


def is_follow_up(question: str) -> bool:
    """Does the question lean on earlier turns? (then it is rewritten before retrieval)"""
    if _FOLLOWUP_START.search(question) or _FOLLOWUP_ORDINAL.search(question):
        return True
    short = len(re.findall(r"[A-Za-z]+", question)) <= 6 and len(re.findall(r"[\u4e00-\u9fff]", question)) <= 12
    return short and bool(_PRONOUN.search(question))


# yes/no questions: an auxiliary verb first, or 吗/是否/有没有/是不是 in Chinese
_POLAR_RE = re.compile(
    r"^\s*(does|do|did|is|are|was|were|can|could|will|would|should|has|have|had)\b|[吗嗎]\s*[？?]?\s*$|是否|有没有|有沒有|是不是|能否|会不会|會不會",
    re.I,
)


def is_polar(question: str) -> bool:
    """A yes/no question ("Does the author think…?", "…是否…？")."""
    return bool(_POLAR_RE.search(question))


def _about_the_article(question: str, pairs: list[PairHit]) -> bool:
    """A question about the article itself (author, date, title), or one whose best pair is the header."""
    return is_about_article(question) or any(h.paragraph == 0 for p in pairs[:1] for h in p.members)


_REFUSAL_RE = re.compile(
    r"(does not|doesn't|do not|don't) (contain|mention|provide|say|state|specify|include)|no information|not mentioned|"
    r"cannot (be )?(answer|determine|find)|没有(提到|提及|相关|说明|信息)|未(提及|提到|说明)|无法(回答|确定)",
    re.I,
)


@dataclass(frozen=True)
class Event:
    kind: str  # "status" | "token" | "answer"
    text: str = ""
    answer: Answer | None = None


@dataclass
class _Timer:
    t0: float = field(default_factory=time.perf_counter)
    marks: dict[str, float] = field(default_factory=dict)

    def mark(self, name: str) -> None:
        self.marks[name] = (time.perf_counter() - self.t0) * 1000.0

    def since(self, start: float) -> float:
        return (time.perf_counter() - start) * 1000.0


def _to_messages(system: str, user: str) -> list[BaseMessage]:
    return [SystemMessage(content=system), HumanMessage(content=user)]


class AnswerPipeline:
    def __init__(self, retriever: Retriever, backend, settings: Settings) -> None:
        self.retriever = retriever
        self.backend = backend
        self.settings = settings
        self.matcher = CitationMatcher(retriever.embedder)  # twins are looked up per answer (one snapshot)

    # --- LCEL chains ----------------------------------------------------------
    def _chain(self, max_tokens: int | None = None):
        llm = self.backend.llm
        if max_tokens is not None:
            llm = llm.bind(max_tokens=max_tokens)
        return RunnableLambda(lambda x: _to_messages(x["system"], x["user"])) | llm | StrOutputParser()

    def _complete(self, system: str, user: str, max_tokens: int | None = None) -> str:
        return self._chain(max_tokens).invoke({"system": system, "user": user}).strip()

    # --- steps ------------------------------------------------------------------
    def standalone(self, question: str, history: Sequence[Turn], lang: str) -> str:
        """Rewrite a follow-up into a standalone question using the last turns."""
        if not history or not is_follow_up(question):
            return question
        p = prompts.load(lang)
        who_u, who_a = ("User", "Assistant") if lang == "en" else ("用户", "助手")
        lines = []
        for u, a in list(history)[-2:]:
            lines.append(f"{who_u}: {u}")
            lines.append(f"{who_a}: {strip_markers(a)[:400]}")
        out = self._complete("", p["rewrite"].format(history="\n".join(lines), question=question), max_tokens=80)
        out = out.strip().strip('"“”').splitlines()[0].strip() if out.strip() else ""
        return out if 3 <= len(out) <= 400 else f"{history[-1][0]} {question}"

    def header(self, doc: Document | None, lang: str, full: bool = True) -> str:
        """The article header as one source line: title always; byline and date when ``full``."""
        if doc is None or doc.front is None:  # no front matter to cite the header by
            return ""
        p = prompts.load(lang)
        m = doc.meta
        if not (m.title or m.author or m.date):
            return ""
        p0 = doc.front.lang
        parts = [f"{p['header_title']}: {m.full_title}"]
        if not full:
            return f"[{p0.upper()} ¶0] " + " | ".join(parts)
        if m.author:
            parts.append(f"{p['header_author']}: {m.author}")
        if m.affiliation:
            parts.append(f"{p['header_affiliation']}: {m.affiliation}")
        if m.date:
            parts.append(f"{p['header_date']}: {m.date}")
        return f"[{p0.upper()} ¶0] " + " | ".join(parts)

    def context(self, pairs: list[PairHit], lang: str, question: str = "", lookup=None) -> tuple[str, str, list[Hit]]:
        """(header lines, source lines, the paragraphs the model sees) with the question's language first."""
        full = not self.settings.header_for_meta_only or _about_the_article(question, pairs)
        first = doc_lang(lang)
        hits: list[Hit] = []
        lines: list[str] = []
        headers: list[str] = []
        docs_seen: list[str] = []
        for pair in pairs:
            if pair.doc not in docs_seen:
                docs_seen.append(pair.doc)
                doc = (lookup or self.retriever.document)(pair.doc)
                h = self.header(doc, lang, full)
                if h:
                    headers.append(h)
                    p0_lang = doc.front.lang
                    # cite ¶0 by what the model saw (labels in the question's language) plus its own text
                    shown = h.split("] ", 1)[-1]
                    text = doc.front.text
                    hits.append(Hit(pair.doc, p0_lang, 0, f"{shown}\n{text}" if full else text, 0.0))  # type: ignore[arg-type]
            ordered = sorted(pair.members, key=lambda h: h.lang != first)
            for h in ordered:
                if h.paragraph == 0:
                    continue
                lines.append(f"[{h.label}] {h.text}")
                hits.append(h)
        return "\n".join(headers), "\n".join(lines), hits

    def evidence(self, question: str, hits: list[Hit], paragraphs: list[str], header_answers: bool = False) -> bool:
        """Code-side evidence: some paragraph is similar enough (or the header answers the question),
        and every name/year asked about occurs in ``paragraphs`` (the documents' texts)."""
        dense = [h.dense for h in hits if h.dense is not None]
        best = max(dense, default=0.0)
        if dense and best < self.settings.refuse_below and not header_answers:
            log.info("refusing: best similarity %.3f < %.3f", best, self.settings.refuse_below)
            return False
        if self.settings.grounding_check:
            missing = ungrounded_terms(question, paragraphs, metonymy=self.settings.capital_metonymy)
            if missing:
                log.info("refusing: the documents never mention %s", missing)
                return False
        return True

    def _header_answers(self, question: str, pairs: list[PairHit], lookup=None) -> dict[str, Document]:
        """The header fields (author, title, date, position) the question asks for, each with the first
        of its documents whose header has it."""
        found: dict[str, Document] = {}
        if not self.settings.answer_header_fields:
            return found
        for d in dict.fromkeys(p.doc for p in pairs):
            doc = (lookup or self.retriever.document)(d)
            if doc and doc.front:
                for f in header_answers(question, doc.meta):
                    found.setdefault(f, doc)
        return found

    def _all_paragraphs(self, pairs: list[PairHit], lookup=None) -> list[str]:
        """Every paragraph text of the documents the pairs come from."""
        texts: list[str] = []
        for d in dict.fromkeys(p.doc for p in pairs):
            doc = (lookup or self.retriever.document)(d)
            if doc:
                texts.extend(para.text for para in doc.paragraphs)
        return texts

    def _verdict(self, system: str, question: str, lang: str) -> bool:
        key = "check_polar" if self.settings.polar_check and is_polar(question) else "check"
        out = self._complete(system, prompts.load(lang)[key].format(question=question), max_tokens=3)
        up = out.strip().upper()
        if up.startswith("NO") or up.startswith("否"):
            log.info("the check call said NO (%s)", key)
            return False
        return True  # YES or unclear: let the answer through (false refusals are worse)

    def _fix_language(self, text: str, system: str, user: str, lang: str, hits: list[Hit], question: str) -> str:
        """Enforce the answer language: drop stray sentences, regenerate, translate, answer extractively."""
        want = doc_lang(lang)
        text = _drop_other_language(text, want)
        if doc_lang(text_language(strip_markers(text))) == want:
            return text
        p = prompts.load(lang)
        log.info("answer in the wrong language; regenerating")
        text = self._complete(system, user + "\n" + p["retry_language"])
        if doc_lang(text_language(strip_markers(text))) == want:
            return text
        log.info("still the wrong language; translating")
        text = self._complete("", p["translate"].format(text=text))
        if doc_lang(text_language(strip_markers(text))) == want:
            return text
        same = [h for h in hits if h.lang == want and h.paragraph > 0] or [h for h in hits if h.lang == want]
        return same[0].text if same else text

    def _exact(self, c, lookup=None):
        """A citation carries the paragraph's own text, exactly as stored, its heading path and page."""
        doc = (lookup or self.retriever.document)(c.doc)
        p = doc.get(c.lang, c.paragraph) if doc else None
        return replace(c, text=p.text, section=p.section, page=p.page) if p else c

    def _cite(self, q: Quote, lookup=None) -> Citation:
        """The citation of the paragraph a quoted sentence comes from, with that paragraph's stored text."""
        return self._exact(Citation(q.doc, q.lang, q.paragraph, ""), lookup)  # type: ignore[arg-type]

    def refusal(
        self, question: str, lang: str, hits: Sequence[Hit], timer: _Timer, standalone: str,
        premise: Quote | None = None, lookup=None,
    ) -> Answer:
        """The refusal in the answer's language; with ``premise``, the sentence that says the event asked
        about is still to come is shown and cited under it."""
        p = prompts.load(lang)
        text = p["refusal"] if premise is None else p["premise_refusal"] + "\n\n" + render_quotes([premise], p["premise_intro"])
        if lang == "zh-Hant":
            text = to_traditional(text)
        cits = (self._cite(premise, lookup),) if premise else ()
        shown = (premise,) if premise else ()
        timer.mark("total")
        return Answer(question, text, lang, True, cits, tuple(hits), dict(timer.marks), standalone, shown)  # type: ignore[arg-type]

    def header_reply(self, question, standalone, fields: dict[str, Document], lang, ranked, timer, lookup) -> Answer:
        """Author and title questions answered with the header's own words, cited as ¶0 (no model call)."""
        p = prompts.load(lang)
        doc = next(iter(fields.values()))  # the first document whose header answers the question
        m = doc.meta
        p0 = doc.front.lang
        label = f"{p0.upper()} ¶0"
        values = {"author": m.author, "title": m.full_title}
        text = " ".join(p[f"header_answer_{f}"].format(value=values[f], label=label) for f in fields if values.get(f))
        if lang == "zh-Hant":
            text = to_traditional(text)
        cit = self._exact(Citation(doc.doc_id, p0, 0, ""), lookup)  # type: ignore[arg-type]
        timer.mark("total")
        return Answer(question, text, lang, False, (cit,), tuple(ranked), dict(timer.marks), standalone)  # type: ignore[arg-type]

    # --- the whole thing --------------------------------------------------------
    def stream(
        self,
        question: str,
        history: Sequence[Turn] = (),
        lang: str | None = None,
        k: int | None = None,
        docs: list[str] | None = None,
    ) -> Iterator[Event]:
        timer = _Timer()
        question = validate_question(question)
        q0 = analyze(question, lang)
        plang = "en" if q0.lang == "en" else "zh"
        standalone = self.standalone(question, history, plang) if history else question
        q = analyze(question, lang, standalone)
        timer.mark("rewrite")
        yield Event("status", "retrieving")
        versions = self.retriever.store.versions()  # one snapshot of the index for the whole answer
        docs_seen: dict[str, Document | None] = {}

        def lookup(doc_id: str) -> Document | None:
            if doc_id not in docs_seen:
                docs_seen[doc_id] = self.retriever.document(doc_id, versions)
            return docs_seen[doc_id]

        pairs, hits = self.retriever.pairs(q.search_text, k=k or self.settings.top_k, docs=docs, versions=versions)
        if pairs and k is None:  # adaptive context: every extra pair costs ~2 s of prompt on 2 cores
            pairs = [p for p in pairs if p.score >= pairs[0].score - self.settings.pair_margin]
        timer.mark("retrieve")
        header, sources, ctx_hits = self.context(pairs, q.lang, standalone, lookup)
        header_only = _about_the_article(standalone, pairs)  # answered from the header: no body quotes under it
        ranked = _ranked(ctx_hits, hits)
        paragraphs = self._all_paragraphs(pairs, lookup)  # the documents' texts, once per answer
        fields = self._header_answers(standalone, pairs, lookup)
        if not pairs or not self.evidence(standalone, hits, paragraphs, bool(fields)):
            yield Event("answer", answer=self.refusal(question, q.lang, ranked, timer, standalone))
            return
        if fields and set(fields) <= {"author", "title"}:  # a name asked for: the header's own words
            timer.mark("first_token")
            ans = self.header_reply(question, standalone, fields, q.lang, ranked, timer, lookup)
            yield Event("token", ans.text)
            yield Event("answer", answer=ans)
            return
        glossed: list[tuple[str, str]] = []
        if self.settings.capital_metonymy:  # "Beijing" → "Beijing (China)" for the model, which sees only the sources
            standalone, glossed = gloss_capitals(standalone, paragraphs)
        p = prompts.load(q.lang)
        system = p["system"].format(header=header, sources=sources)
        evidence: Quote | None = None  # the sentence that overruled the model's NO
        if self.settings.check_answerable:
            yield Event("status", "checking")
            ok = self._verdict(system, standalone, q.lang)
            timer.mark("check")
            best = max((h.dense for h in hits if h.dense is not None), default=0.0)
            if not ok and best >= self.settings.trust_retrieval_above:
                log.info("model said NO but a paragraph is %.2f similar: answering", best)
                ok = True
            if not ok and self.settings.sentence_evidence:
                match = best_sentence(self.retriever.embedder, q.search_text, ctx_hits)
                if match and match.score >= self.settings.trust_retrieval_above:
                    log.info("model said NO but a sentence of %s is %.2f similar: answering", match.label, match.score)
                    ok = True  # the reader sees the sentence that decided it, in the answer's language
                    evidence = best_sentence(self.retriever.embedder, q.search_text, ctx_hits, doc_lang(q.lang))
            if not ok and fields:
                log.info("model said NO but the header states the %s asked for: answering", "/".join(fields))
                ok = True
            if not ok and self.settings.trust_quoted_terms:
                found = quotes_found(standalone, [h.text for h in ctx_hits], paragraphs)
                if found:
                    log.info("model said NO but the context contains every quoted term %s: answering", found)
                    ok = True
            if not ok:
                yield Event("answer", answer=self.refusal(question, q.lang, ranked, timer, standalone))
                return
        if self.settings.premise_check and asks_past(standalone):  # "did … visit" where the sentence says "is expected to"
            best = best_sentence(self.retriever.embedder, q.search_text, ctx_hits, doc_lang(q.lang))
            if best is not None and false_premise(standalone, best):
                log.info("false premise: the question asks what happened, %s says it is to come", best.label)
                yield Event("answer", answer=self.refusal(question, q.lang, ranked, timer, standalone, best, lookup))
                return
        user = p["answer"].format(question=standalone)
        yield Event("status", "generating")
        parts: list[str] = []
        t_gen = time.perf_counter()
        for tok in self._chain().stream({"system": system, "user": user}):
            if not parts:
                timer.mark("first_token")
            parts.append(tok)
            yield Event("token", tok)
        raw = "".join(parts).strip()
        timer.marks["generate"] = timer.since(t_gen)
        if not raw or (len(strip_markers(raw)) < 160 and _REFUSAL_RE.search(raw)):
            yield Event("answer", answer=self.refusal(question, q.lang, ranked, timer, standalone))
            return
        if not header_only:
            raw = strip_header_echo(raw, header)
        text = self._fix_language(raw, system, user, q.lang, ctx_hits, question)
        text = tidy_chinese(text) if q.lang != "en" else tidy_english(text)
        text = unglossed(text, glossed)
        if self.settings.drop_invented_years:
            text, invented = drop_unsupported_years(text, [header, sources])
            if invented:
                log.info("removed years no source states: %s", invented)
        text, cits = self.matcher.assign(text, ctx_hits, twin_of=lambda d, lang, n: (lookup(d) or _NoDoc).twin(lang, n))
        cits = tuple(self._exact(c, lookup) for c in cits)
        if self.settings.negation_check and is_polar(standalone):
            wrong = contradiction(standalone, text, ctx_hits, doc_lang(q.lang))
            if wrong is not None:  # the answer affirms what its sentence negates: say no, and show the sentence
                log.info("the answer drops the negation of %s: answering no with the sentence", wrong.label)
                text = p["polar_contradicted"].format(sentence=wrong.sentence, label=wrong.label)
                cits = (self._cite(wrong, lookup),)
        quotes: list = []
        if self.settings.quotes and not header_only:
            quotes = pick_quotes(standalone, text, ctx_hits, doc_lang(q.lang), max_quotes=self.settings.max_quotes)
            if evidence and not says(text, evidence.sentence) and all(evidence.sentence != qt.sentence for qt in quotes):
                quotes = [evidence] + quotes[: max(self.settings.max_quotes - 1, 0)]
            if quotes:
                text = text.rstrip() + "\n\n" + render_quotes(quotes, p["quote_intro"])
                have = {(c.doc, c.lang, c.paragraph) for c in cits}
                for qt in quotes:  # a quoted paragraph is a citation too
                    if (qt.doc, qt.lang, qt.paragraph) not in have:
                        have.add((qt.doc, qt.lang, qt.paragraph))
                        cits += (self._cite(qt, lookup),)
        if q.lang == "zh-Hant" or (q.lang == "zh" and is_traditional(text)):
            text = to_traditional(text) if q.lang == "zh-Hant" else text
        timer.mark("total")
        yield Event("answer", answer=Answer(question, text, q.lang, False, cits, tuple(ranked), dict(timer.marks), standalone, tuple(quotes)))

    def answer(self, question: str, history: Sequence[Turn] = (), lang: str | None = None, k: int | None = None, docs: list[str] | None = None) -> Answer:
        final = None
        for ev in self.stream(question, history, lang, k, docs):
            if ev.kind == "answer":
                final = ev.answer
        assert final is not None
        return final


_CJK_GAP = re.compile(r"(?<=[0-9\u3400-\u9fff])[ \t]+(?=[0-9\u3400-\u9fff])")


def tidy_chinese(text: str) -> str:
    """Chinese typesetting: no spaces between Han characters and digits ("5 月 13 日" → "5月13日")."""
    return _CJK_GAP.sub("", text)


_HEADER_TAG = re.compile(r"^\s*\[(EN|ZH) ¶\d+\]\s*")  # the model may put any label in front ("[EN ¶12] 标题: …")


def strip_header_echo(text: str, header: str) -> str:
    """Drop the header line the model sometimes copies in front of an answer about the body
    ("标题: What the New Developments Mean 第三,…"): it is not part of the answer."""
    parts = [p.strip() for line in header.splitlines() for p in _HEADER_TAG.sub("", line).split(" | ") if p.strip()]
    out = text
    changed = True
    while changed and parts:
        changed = False
        body = _HEADER_TAG.sub("", out)
        for part in parts:
            if to_simplified(body[: len(part)]) == to_simplified(part):  # the model may write 標題 for 标题
                out = re.sub(r"^[\s|,，;；:：.。]*(\[(EN|ZH) ¶0\])?[\s|,，;；.。]*", "", body[len(part):])
                changed = True
                break
    return out if out.strip() else text


_SPACED_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")


def tidy_english(text: str) -> str:
    """The model spells "U.S." as "U. S."; initials are written closed up ("U. S. side" → "U.S. side")."""
    return _SPACED_INITIALS.sub(r"\1.", text)


def _drop_other_language(text: str, want: str) -> str:
    """Remove sentences in the other language when the rest of the answer is in the right one."""
    sents = split_sentences(text)
    keep = [s for s in sents if doc_lang(text_language(strip_markers(s))) == want]
    return "".join(keep).strip() if keep and len(keep) < len(sents) else text


class _NoDoc:
    @staticmethod
    def twin(lang, n):
        return None


def _ranked(ctx: list[Hit], hits: list[Hit], limit: int = 10) -> list[Hit]:
    """What was retrieved, best first: the context paragraphs, then the other candidates."""
    out: list[Hit] = []
    seen = set()
    for h in sorted((h for h in ctx if h.paragraph > 0), key=lambda h: -h.score) + list(hits):
        if h.key not in seen:
            seen.add(h.key)
            out.append(h)
    return out[:limit]
