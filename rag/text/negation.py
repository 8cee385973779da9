"""Negation, English and Chinese: does a sentence say "not"? Chinese is read word by word (jieba), so
that words which merely contain a negator are not negations (不断 "constantly", 未来 "future",
无障碍 "accessible", 未成年 "minor")."""

from __future__ import annotations

import re

from rag.text.chinese import tagged_words
from rag.text.script import HAN_RE

# "without" is a preposition, not a negation of the sentence ("works without a server")
_EN_NEG = re.compile(r"\b(not|no|never|neither|nor|cannot|none|nothing)\b|n['’]t\b", re.I)
# Chinese negation is read word by word (jieba), so that words which merely contain a negator
# (不断 "constantly", 未来 "future", 无障碍 "accessible", 未成年 "minor") are not read as negations:
# a word negates when it is a negator or a negator with its verb fused (不能, 并未, 没有, 无法).
_ZH_NEGATORS = frozenset("不 没 没有 未 无 非 别 勿 莫 否 否认 并非 并未 并不 并没有 从未 从不 尚未 未曾 不曾 毫无 绝不 决不".split())
_ZH_FUSED = re.compile(r"^(不|没|未|无)(能|会|可|要|用|必|再|应|该|得|是|愿|肯|敢|法|须|需|曾|足以|准)$")


def negated(text: str) -> bool:
    """Does the text contain a negation (English or Chinese)?"""
    if _EN_NEG.search(text):
        return True
    han = "".join(ch if HAN_RE.match(ch) else " " for ch in text)
    return bool(han.strip()) and any(w in _ZH_NEGATORS or _ZH_FUSED.match(w) for w, _ in tagged_words(han))
