"""The kind of quantity a question asks for, and whether a text states one of that kind.

A question-answering system's classic answer type ("how long" wants a duration, "what percentage" a
percentage): an answer that states no quantity of the kind asked does not answer, however true and
well cited its sentences are. "How many GPUs were used to train Qwen-72B, and for how many days?"
answered with the GPUs of a fine-tuning experiment states no number of days.

Kinds (English and Chinese, simplified or traditional; ``asked_kinds`` reads the question,
``states_kind`` an answer):

- ``duration``: how long did/does …, how many days/hours/…, how much time; 多久, 多长时间, 几天,
  多少小时 … Stated by a number or a quantifier with a unit of time (126 ms, nine years, 多年, 两年多) or
  by a range of numbers (May 13 to 15, 13日至15日).
- ``percent``: what percentage, 百分之几, 占比是多少 … Stated by %, percent, 百分之, half, a third, 一半.
- ``size``: how much memory/disk/storage, how large is the file/library/bundle; 需要多少显存, 体积有多大 …
  Stated by a number with a unit of bytes (10KB, 61.4GB, 2048MB).
- ``money``: how much does it cost, what is the price; 多少钱, 价格是多少 … Stated by a currency (a symbol,
  dollars, 元, 美元), a magnitude allowed between (2.3 million dollars, 230万美元).

"How long is the context?" is a length, not a duration, "影响有多大" is no size, and "内存泄漏如何解决",
"如何显示百分比" ask no amount: a kind is read only from the words that name it with an amount asked,
and a question that asks none of them asks nothing this module checks. A yes/no question asks for no
quantity: ``rag.answer.query.analyze`` reads kinds only from the others (``Query.polar``).
"""

from __future__ import annotations

import re

from rag.text.chinese import to_simplified

_WORDNUM = r"(?:a few|a couple of|several|many|multiple|some|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|a hundred|hundreds of|thousands of|an?|\d+(?:[.,]\d+)*)"
_TIME_ABBR = r"(?:ms|s|secs?|mins?|h|hrs?)"
_TIME_EN = r"(?:milliseconds?|seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)"
_TIME_ZH = r"(?:个)?(?:毫秒|秒钟?|分钟|小时|钟头|天|日|周|星期|礼拜|月|年)"
_MAGNITUDE = r"(?:\s*(?:hundred|thousand|million|billion|trillion|k|m|bn|mn)\b)"
_BYTES = r"(?:[KMGTP]i?B|bytes?|kilobytes?|megabytes?|gigabytes?|terabytes?|字节)"
_HOW_MUCH_ZH = r"(?:是|为|有|要|需要|占用|占|约)?(?:多少|多大|几)"  # an amount asked in Chinese ("显存需要多少", "体积有多大")
_RANGE_TO = r"(?:to|through|until|-|–|—|~|～|至|到)"

_ASKS: dict[str, re.Pattern[str]] = {
    "duration": re.compile(
        r"\bhow long (?:did|does|do|will|would|can|could|should|has|have|had|was|were|ago)\b|\bhow much time\b|"
        rf"\bhow many {_TIME_EN}\b|多久|多长时间|多少时间|(?:几|多少)(?:个)?(?:毫秒|秒|分钟|小时|钟头|天|周|星期|礼拜|月|年)",
        re.I,
    ),
    "percent": re.compile(
        rf"\bwhat (?:percentage|percent|share|proportion)\b|\bhow many percent\b|百分之几|多少%|(?:百分比|占比|比例){_HOW_MUCH_ZH}|多少(?:的)?(?:百分比|比例)",
        re.I,
    ),
    "size": re.compile(
        r"\bhow (?:much|many) (?:\w+ )?(?:memory|vram|ram|disk|storage|space|bytes|megabytes|gigabytes)\b|"
        r"\bhow (?:large|big) (?:is|are|was|were) (?:the |its |their |a )?(?:\S+ ){0,3}(?:file|files|library|bundle|package|model file|weights|download|image|artifact)s?\b|"
        rf"\bwhat (?:is|was) the (?:file |bundle |package |download )size\b|(?:显存|内存|存储空间|磁盘空间|体积|文件大小|包大小).{{0,8}}?{_HOW_MUCH_ZH}|"
        r"(?:多少|多大)(?:的)?(?:显存|内存|存储空间|磁盘空间|体积)",
        re.I,
    ),
    "money": re.compile(r"\bhow much (?:does|did|do|will|would) .{0,60}\bcost\b|\bhow much money\b|\bwhat (?:is|was) the price\b|多少钱|(?:费用|价格|价钱|成本|花费|售价)(?:是|为|要|需要)?多少|花了多少", re.I),
}
KIND_NAMES = {"duration": "a duration", "percent": "a percentage", "size": "a size in bytes", "money": "a price"}

_STATES: dict[str, re.Pattern[str]] = {
    "duration": re.compile(
        rf"(?<![A-Za-z0-9.])(?:\d+(?:[.,]\d+)*\s*{_TIME_ABBR}\b|{_WORDNUM}\s+(?:and a half\s+)?{_TIME_EN}\b)|"
        rf"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万半几数多]+)\s*{_TIME_ZH}|"
        rf"(?<![A-Za-z0-9.])\d+(?:\.\d+)?\s*(?:日|号|th|st|nd|rd)?(?:\s+[A-Z][a-z]+)?\s*{_RANGE_TO}\s*(?:[A-Z][a-z]+\s+)?\d+|"
        r"\bbetween\s+(?:[A-Z][a-z]+\s+)?\d+\S*(?:\s+[A-Z][a-z]+)?\s+and\s+(?:[A-Z][a-z]+\s+)?\d+|\bsince\s+(?:\w+\s+){0,2}\d{4}\b|自\s*\d{4}\s*年",
        re.I,
    ),
    "percent": re.compile(r"[%％]|\bper ?cent\b|百分之|\b(?:half|a third|one third|two thirds|a quarter|one quarter|three quarters)\b|一半|分之", re.I),
    "size": re.compile(rf"\d+(?:\.\d+)?\s*{_BYTES}(?![A-Za-z])", re.I),
    "money": re.compile(
        rf"[$¥￥€£]\s*\d|(?<![A-Za-z0-9.]){_WORDNUM}\s*{_MAGNITUDE}?\s*(?:(?:us|u\.s\.|hong kong|canadian|australian)\s+)?"
        r"(?:dollars?|usd|rmb|cny|yuan|euros?|pounds?|yen)\b|"
        r"(?:\d|[零〇一二两三四五六七八九十])\s*[十百千万亿]*\s*(?:元|美元|欧元|英镑|日元|港元|港币|人民币|块钱)|\b(?:usd|rmb|cny|eur|gbp|jpy)\b|人民币",
        re.I,
    ),
}


def asked_kinds(question: str) -> tuple[str, ...]:
    """The kinds of quantity ``question`` asks for, in the order above."""
    q = to_simplified(question)
    return tuple(kind for kind, pattern in _ASKS.items() if pattern.search(q))


def states_kind(text: str, kind: str) -> bool:
    """Does ``text`` state a quantity of ``kind``?"""
    return bool(_STATES[kind].search(to_simplified(text)))
