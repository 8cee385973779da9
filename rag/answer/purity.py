"""Language purity: an answer in Chinese holds no English word that its sources do not use, and an
answer in English no Chinese.

The whole-answer language check (``rag.answer.polish``) passes "超過之後會 gradual下降": the
sentence reads as Chinese. Here each sentence is read word by word. A word of the other script is
allowed when a paragraph it cites writes it (names, code, units, terms the document keeps in
English: "在 package.json 中", "Qwen-72B", "10KB"), when the document's version in the answer's
language uses it anywhere ("token" in a Chinese README), when the question uses it, when it is code
in backticks, or when it is a unit written after a number. A sentence with any other is removed like an
unsupported claim; when nothing is left, the answer is drafted once more in the answer's language,
then given extractively.

Those words are terms, not clauses: an English answer that copies a Chinese clause of the paragraph it
cites ("…launch a controller by: 使用vLLM和FastChat运行Qwen之前，首先启动一个controller： python -m …")
has it cut first (a repair in ``checks``), outside quotation marks and code, so the rest is judged.
"""

from __future__ import annotations

import re
from typing import ClassVar, Sequence

from rag.answer.state import AnswerState
from rag.answer.citations import join_sentences, strip_markers
from rag.answer.support import ClaimStage, Fix, Support, Unit, Verdicts
from rag.text.chinese import fold, to_simplified
from rag.types import SentenceCheck

_CODE = re.compile(r"`[^`]*`")
_LATIN = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z][A-Za-z0-9_+.'-]*[A-Za-z0-9]|(?<![A-Za-z0-9_])[A-Za-z]{2}")
_HAN = re.compile(r"[\u3400-\u9fff]+")
# a Chinese clause: from a Han character to the full-width punctuation that ends it, clauses in a row
_HAN_CLAUSE = re.compile(r"(?:[\u3400-\u9fff][^\n.!?“”\"「」『』`]*?[，。：；！？]\s*)+")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|「[^」]*」|『[^』]*』|`[^`]*`")
CLAUSE_MIN_HAN = 8  # fewer Han characters is a term or a name ("通义千问，"), not a clause


def drop_han_clauses(answer: str) -> tuple[str, list[str]]:
    """(an English answer without the Chinese clauses it copied, the clauses cut); a clause inside
    quotation marks or backticks, or of fewer than ``CLAUSE_MIN_HAN`` Han characters, stays."""
    quoted = [m.span() for m in _QUOTED.finditer(answer)]
    cut: list[tuple[int, int]] = []
    for m in _HAN_CLAUSE.finditer(answer):
        inside = any(a <= m.start() < b for a, b in quoted)
        if not inside and sum(len(h) for h in _HAN.findall(m.group(0))) >= CLAUSE_MIN_HAN:
            cut.append(m.span())
    text = answer
    for a, b in reversed(cut):
        text = text[:a] + text[b:]
    return text, [answer[a:b].strip() for a, b in cut]


def foreign_words(plain: str, lang: str, allowed: Sequence[str]) -> list[str]:
    """Words of ``plain`` in the script ``lang`` (en | zh) does not use that no text of ``allowed``
    holds (as a whole word for Latin, case- and script-insensitive)."""
    text = _CODE.sub(" ", plain)
    hay = fold("\n".join(allowed))
    if lang == "en":
        return [w for w in dict.fromkeys(_HAN.findall(text)) if to_simplified(w) not in hay]
    out = []
    for m in _LATIN.finditer(text):
        word = m.group(0).rstrip(".'-")
        if m.start() > 0 and text[m.start() - 1].isdigit():  # a unit: 10KB, 3T, 5x
            continue
        if not re.search(rf"(?<![a-z0-9]){re.escape(word.lower())}(?![a-z0-9])", hay):
            out.append(word)
    return list(dict.fromkeys(out))


def purity_checks(answer: str, support: Support, lang: str, also: Sequence[str] = ()) -> Verdicts:
    """Each sentence kept, or removed with the other-language words its cited paragraphs, the question
    and ``also`` (the documents' header lines) do not hold."""
    kept: list[str] = []
    checks: list[SentenceCheck] = []
    for u in Unit.split(answer):
        allowed = [*support.texts(u.labels).values(), support.question, *also]
        foreign = foreign_words(u.plain, lang, allowed)
        if foreign:
            other = "English" if lang == "zh" else "Chinese"
            checks.append(SentenceCheck(u.text, "removed", f"{other} words its sources do not use: {', '.join(foreign)}"))
        else:
            kept.append(u.text)
    return Verdicts(kept, checks, form_only=True)


class PurityStage(ClaimStage):
    """Sentences with other-language words their sources do not use are removed (``checks``);
    nothing left: a second draft in the answer's language, then the extractive answer."""

    name: ClassVar[str] = "purity"
    setting: ClassVar[str | None] = "language_purity"  # the bool setting that switches it on; None: always on
    retry: ClassVar[str] = "retry_language"

    def fixes(self, state: AnswerState) -> tuple[Fix, ...]:
        """Chinese clauses an English answer copied are cut (years are the claim check's)."""
        if state.q.lang != "en":
            return ()
        return ((drop_han_clauses, strip_markers, lambda c: f"the Chinese clause “{c}”, copied into an English answer, was cut"),)

    def verdicts(self, state: AnswerState, text: str) -> Verdicts:
        lang = "en" if state.q.lang == "en" else "zh"
        # the words the document itself keeps in the other script, in its version in the answer's
        # language ("token" all through a Chinese README), count as its terms
        docs = [state.lookup(d) for d in dict.fromkeys(h.doc for h in state.context)]
        own = [p.text for doc in docs if doc for p in doc.by_lang(lang)]  # type: ignore[arg-type]
        return purity_checks(text, self.support(state), lang, ["\n".join([state.header, *own])])

    def draft_verdicts(self, state: AnswerState, text: str) -> Verdicts:
        if not self.tools.settings.claim_check:
            return self.verdicts(state, text)
        claims = super().verdicts(state, text)  # the claim check's own verdicts
        if not claims.kept:
            return claims
        pure = self.verdicts(state, join_sentences(claims.kept))
        return Verdicts(pure.kept, claims.checks + pure.checks, claims.form_only and pure.form_only)
