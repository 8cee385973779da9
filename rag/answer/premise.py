"""False-premise check: a question about something that happened, whose sentence says it is still to come.

"Which U.S. cities did Xi Jinping visit in September?" retrieves "In September, Chinese President Xi
Jinping is expected to pay a state visit to the United States" (0.68 similar, so neither the model's
check nor the similarity floor refuses it), and the model answers with the sentence as if it said
where he went. Code sees the mismatch: the question is in the past tense ("did", "was/were",
"has … -ed", 了/过/已经/曾), and the sentence of the context that best matches it (by the embedder, in
the answer's language) puts what the question asks about after a future marker ("is expected to",
"will", "plans to", 预计/有望/即将/将于/将会…). The answer is then a refusal that shows that sentence, so
the reader learns what the document does say.
"""

from __future__ import annotations

import re

from rag.text.chinese import tagged_words, to_simplified
from rag.text.tokens import tokenize
from rag.types import Quote

_EN_PAST = re.compile(r"\b(did|was|were|had)\b|\b(has|have)\b(\s+[\w.-]+){0,4}?\s+(been|\w+ed)\b", re.I)
# 了/过 after a verb, not 为了/除了/了解, 通过/经过/不过/超过/过去/过程
_ZH_PAST = re.compile(r"(?<![为除])了(?!解)|(?<![通经不超])过(?![去程])|已经|曾")
_EN_FUTURE = re.compile(
    r"\b(will|shall)\b|\b(is|are|was|were)\s+(also\s+)?(expected|scheduled|set|due|going|slated|planned)\s+to\b|\bplans?\s+to\b",
    re.I,
)
# Chinese future markers are read word by word (jieba, with its part of speech): 将 before a verb of
# time or motion (将于/将在/将赴; not the object marker of 将共识转化为…), 计划/拟/打算 as verbs (not the
# noun 计划 "a plan", not the 拟 inside 虚拟 "virtual")
_ZH_FUTURE_WORDS = frozenset("预计 有望 即将 将要 将会 行将".split())
_ZH_FUTURE_VERBS = frozenset("计划 拟 打算".split())
_WILL_NEXT = frozenset("于会要在再应赴访")


# the past tense of a verb of saying or expecting belongs to the speaker, not to the event:
# "What did the author expect Xi to do in September?" asks about a future event, rightly
_EN_REPORTING = re.compile(
    r"\b(say|said|write|wrote|written|mention\w*|suggest\w*|argu\w*|expect\w*|predict\w*|think|thought|"
    r"describ\w*|not(e|ed)|call(ed)?|propos\w*|stated|claim\w*|believ\w*|hop(e|ed)|warn\w*|stress\w*|"
    r"emphasi[sz]\w*|indicat\w*|anticipat\w*|forecast\w*|plan(ned)?|intend\w*|want\w*|report\w*|announc\w*|"
    r"promis\w*|pledg\w*|agree\w* to)\b",
    re.I,
)
_ZH_REPORTING = re.compile(r"说|提到|提出|提及|认为|指出|表示|写|预计|预期|期待|期望|希望|计划|打算|称|强调|描述|主张|承诺|宣布|同意")


def asks_past(question: str) -> bool:
    """Does the question presuppose that something has happened (English past tense, 了/过/已经/曾),
    other than somebody saying or expecting something?"""
    simple = to_simplified(question)
    if _EN_REPORTING.search(simple) or _ZH_REPORTING.search(simple):
        return False
    return bool(_EN_PAST.search(simple) or _ZH_PAST.search(simple))


def future_part(sentence: str) -> str:
    """What the sentence puts after its first future marker ("" when it has none)."""
    simple = to_simplified(sentence)
    m = _EN_FUTURE.search(simple)
    if m:
        return simple[m.end():]
    pos = 0
    for word, flag in tagged_words(simple):
        pos += len(word)
        will = word == "将" and simple[pos : pos + 1] in _WILL_NEXT
        if word in _ZH_FUTURE_WORDS or will or (word in _ZH_FUTURE_VERBS and flag == "v"):
            return simple[pos:]
    return ""


def false_premise(question: str, best: Quote | None) -> bool:
    """Does the question ask, in the past tense, about what its best-matching sentence says is still to come?

    The future part of the sentence must share a term with the question ("visit" in "is expected to
    pay a state visit"), so that the marker belongs to the event asked about."""
    if best is None or not asks_past(question):
        return False
    later = future_part(best.sentence)
    return bool(later) and bool(set(tokenize(question)) & set(tokenize(later)))
