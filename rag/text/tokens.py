"""Tokens for lexical search: English words and jieba words of simplified Chinese."""

from __future__ import annotations

import re
import unicodedata

from rag.text.chinese import jieba_lib, to_simplified
from rag.text.script import HAN_RE

EN_STOP = frozenset(
    "a an the of and or in on at to for from by with as is are was were be been being it its this that "
    "these those what which who whom whose when where why how do does did can could will would should "
    "may might must shall has have had not no but if than then so such into about over after before "
    "according article document text say says said tell me please".split()
)
ZH_STOP = frozenset("的 了 是 在 和 与 及 也 都 而 就 对 将 其 之 或 等 把 被 这 那 什么 哪些 哪 吗 呢 谁 如何 怎么 为什么 请 文章 根据 中 有 吧".split())
_TOKEN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.\-']*|[\u3400-\u4dbf\u4e00-\u9fff]+")


def tokenize(text: str) -> list[str]:
    """Tokens for BM25: lowercased English words, jieba words for Chinese (simplified), numbers."""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for m in _TOKEN_RE.finditer(text):
        tok = m.group(0)
        if HAN_RE.match(tok):
            simp = to_simplified(tok)
            for w in jieba_lib().lcut_for_search(simp):
                if w not in ZH_STOP:
                    out.append(w)
        else:
            w = tok.lower().strip(".-'")
            if w and w not in EN_STOP:
                out.append(w)
    return out
