"""Supporting quotes: the source sentences that answer the question, copied verbatim under the answer.

A 1.5B model paraphrases: it drops the name of the summit, keeps half a list, or takes the reason from
the wrong sentence. The sentence of each context paragraph that best matches the question is chosen by
code (IDF-weighted overlap of question terms, jieba words for Chinese), so what the reader checks is
the document's own wording, and facts the model left out are still in front of them. A quote is shown
only when the answer does not already say it, in the answer's language, at most one per paragraph.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import ClassVar, Iterator, Sequence

from rag.answer import prompts
from rag.answer.citations import cite
from rag.answer.state import AnswerState, Event, Tools
from rag.text.chinese import to_simplified
from rag.text.sentences import sentence_spans
from rag.text.tokens import tokenize
from rag.types import Hit, Quote

_TRIM = " \t\r\n"
# "why" questions: the reason often follows the sentence that names the thing asked about
WHY_RE = re.compile(r"\b(why|how come|reasons?|because)\b|为什么|為什麼|为何|為何|原因|理由", re.I)


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` long enough to quote or compare (8+ word characters), trimmed."""
    out = []
    for a, b in sentence_spans(text):
        s = text[a:b].strip(_TRIM)
        if len(re.sub(r"\W", "", s)) >= 8:
            out.append(s)
    return out


def _span(text: str, first: str, last: str) -> str:
    """The stored text from the start of ``first`` to the end of ``last`` (verbatim, spaces kept)."""
    a = text.find(first)
    b = text.find(last, a + len(first))
    return text[a : b + len(last)] if a >= 0 and b >= 0 else first


def _covered(sentence: str, tokens: list[str], answer_simple: str, answer_tokens: set[str], above: float) -> bool:
    """Does the answer already say this sentence (verbatim, or most of its terms)?"""
    if to_simplified(re.sub(r"\s+", "", sentence)) in answer_simple:
        return True
    if not tokens:
        return True
    return sum(1 for t in tokens if t in answer_tokens) / len(tokens) >= above


def pick_quotes(
    question: str,
    answer: str,
    hits: Sequence[Hit],
    lang: str,
    *,
    max_quotes: int = 2,
    min_share: float = 0.25,
    second_ratio: float = 0.6,
    covered_above: float = 0.7,
    extend: bool | None = None,
    front: bool = False,
) -> list[Quote]:
    """The best-matching sentence of each context paragraph in ``lang`` ('en' or 'zh'), best first.

    A sentence qualifies when the question terms it contains carry at least ``min_share`` of the
    question's IDF weight; a paragraph after the first needs ``second_ratio`` of the first quote's
    score; a sentence the answer already covers (``covered_above`` of its terms) is not repeated.
    The front matter (¶0) is a candidate only with ``front``.
    """
    if extend is None:
        extend = bool(WHY_RE.search(question))
    paras = [h for h in hits if h.lang == lang and (front or h.paragraph > 0)]  # ¶0, the front matter, only if asked
    if not paras:
        return []
    q_terms = set(tokenize(question))
    if not q_terms:
        return []
    per_para = [(h, sentences(h.text)) for h in paras]
    all_sents = [s for _, ss in per_para for s in ss]
    if not all_sents:
        return []
    toks = {s: tokenize(s) for s in all_sents}
    idf = _idf(q_terms, [toks[s] for s in all_sents])
    total = sum(idf.values()) or 1.0
    answer_tokens = set(tokenize(answer))
    answer_simple = to_simplified(re.sub(r"\s+", "", answer))
    cands: list[Quote] = []
    for h, sents in per_para:
        score, sentence = max(((sum(idf[t] for t in sorted(q_terms & set(toks[s]))) / total, s) for s in sents),
                              key=lambda x: x[0], default=(0.0, ""))
        if sents and score >= min_share:
            if extend:  # the next sentence of the paragraph usually carries the reason
                i = sents.index(sentence)
                if i + 1 < len(sents):
                    nxt = sents[i + 1]
                    said = _covered(sentence, toks[sentence], answer_simple, answer_tokens, covered_above)
                    sentence = nxt if said else _span(h.text, sentence, nxt)
                    toks[sentence] = tokenize(sentence)
            cands.append(Quote(h.doc, h.lang, h.paragraph, sentence, round(score, 3)))
    covered = lambda q: _covered(q.sentence, toks[q.sentence], answer_simple, answer_tokens, covered_above)  # noqa: E731
    top = max((q.score for q in cands), default=0.0)
    # a paragraph after the first needs second_ratio of the top score; what the answer says is not repeated
    return [q for q in cands if q.score >= second_ratio * top and not covered(q)][:max_quotes]


def _idf(terms: set[str], docs: list[list[str]]) -> dict[str, float]:
    """Inverse document frequency of each term over the sentences (``docs``, tokenized)."""
    df: Counter[str] = Counter()
    for toks in docs:
        df.update(set(toks))
    n = len(docs)
    return {t: math.log(1.0 + n / df[t]) if df[t] else math.log(1.0 + n) for t in sorted(terms)}  # fixed sum order


def says(answer: str, sentence: str, above: float = 0.7) -> bool:
    """Does ``answer`` already say ``sentence`` (verbatim, or ``above`` of its terms)?"""
    return _covered(sentence, tokenize(sentence), to_simplified(re.sub(r"\s+", "", answer)), set(tokenize(answer)), above)


def render_quotes(quotes: Sequence[Quote], intro: str, prefix: str = "> ") -> str:
    """Markdown block quotes, one per line: ``> The document says: “sentence” [EN ¶3]``."""
    return "\n".join(f"{prefix}{intro}“{q.sentence}” [{q.label}]" for q in quotes)


class QuotesStage:
    """The source sentences that answer the question, quoted under the answer (and cited); the
    sentence that overruled the model's NO comes first unless the answer already says it."""

    name: ClassVar[str] = "quotes"
    setting: ClassVar[str | None] = "quotes"  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        self.max_quotes = tools.settings.max_quotes

    def run(self, state: AnswerState) -> Iterator[Event]:
        if state.header_only:  # an answer from the header gets no body quotes
            return iter(())
        q = state.q
        quotes = pick_quotes(state.prompt_question, state.text, state.citable, q.source_lang, max_quotes=self.max_quotes)
        if quotes:
            state.text = state.text.rstrip() + "\n\n" + render_quotes(quotes, prompts.load(q.prompt_lang)["quote_intro"])
            have = {(c.doc, c.lang, c.paragraph) for c in state.citations}
            for qt in quotes:  # a quoted paragraph is a citation too
                if (qt.doc, qt.lang, qt.paragraph) not in have:
                    have.add((qt.doc, qt.lang, qt.paragraph))
                    state.citations += (cite(qt, state.lookup),)
        state.quotes = quotes
        return iter(())
