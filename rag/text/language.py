"""The language of a question and of a generated answer."""

from __future__ import annotations

import re

from rag.text.chinese import is_traditional
from rag.text.script import LATIN_WORD_RE, count_scripts

_EN_FRAME = re.compile(
    r"\b(what|who|whom|whose|when|where|why|how|which|does|do|did|is|are|was|were|can|could|"
    r"will|would|should|the|of|and|in|on|about|according|explain|describe|list|tell|name)\b",
    re.I,
)
_ZH_FRAME = re.compile(r"什么|什麼|谁|誰|哪|何时|何時|如何|怎么|怎麼|为什么|為什麼|吗|嗎|呢|是否|多少|几|幾|请|請|根据|根據|的|了|是")


def detect_language(text: str) -> str:
    """'en', 'zh', 'zh-Hant' or 'mixed:<main>' for a question."""
    han, latin, _ = count_scripts(text)
    if han == 0:
        return "en"
    zh = "zh-Hant" if is_traditional(text) else "zh"
    if latin == 0:
        return zh
    words = len(LATIN_WORD_RE.findall(text))
    # the sentence frame: the language more of whose question and function words it uses (an English
    # term may bring one: "Squash and merge" in "…通常应该用 Squash and merge 还是…？")
    en_frame = len(_EN_FRAME.findall(text))
    zh_frame = len(_ZH_FRAME.findall(text))
    if en_frame != zh_frame:
        main = "en" if en_frame > zh_frame else zh
    else:
        main = "en" if words * 2 > han else zh
    return f"mixed:{main}"


def answer_language(detected: str) -> str:
    return detected.split(":", 1)[1] if detected.startswith("mixed:") else detected


def text_language(text: str) -> str:
    """Language of a generated answer: 'en', 'zh' or 'zh-Hant' by dominant script."""
    han, latin, _ = count_scripts(text)
    if han == 0 and latin == 0:
        return "en"
    if han * 2 >= latin:  # one Han char carries about as much as 2 latin letters... generously
        return "zh-Hant" if is_traditional(text) else "zh"
    return "en"
