"""Questions about the article itself: its author, title, publication date or the author's position.

Only these get the byline and publication date in the context (so a 1.5B model never gives the
article date as the date of an event), and a question that asks for one of these fields directly
("Who wrote the article?", "作者的名字用英文怎么写？") is answered by the header whenever the document
has that field: the model's NO is then overruled, because the answer is in front of it."""

from __future__ import annotations

import re
from typing import Sequence

from rag.text.chinese import to_simplified
from rag.types import DocumentMeta

# any mention of the article's header facts (a question that *may* be about them)
# ("position" alone is not one: "What position did Beijing reiterate?" asks about the body)
META_RE = re.compile(
    r"\b(author|wrote|written|writer|publish\w*|byline|title|headline|article (date|dated)|date of (the|this) article|"
    r"who (is|was) the (author|writer))\b|作者|撰写|写的|发表|发布|标题|题目|文章.{0,4}(日期|时间|哪天|哪一天|何时)",
    re.I,
)

_KIND = r"(article|piece|text|essay|commentary|document|post)"
# the document, or one version of it: "the Chinese version (of the article)", "its English translation"
_DOC = rf"(the|this|its) ({_KIND}|(english|chinese) (version|translation|edition|original)( of (the|this) {_KIND})?)"
_END = r"\s*[?？.。]?\s*$"
_ZH_DOC = r"(文章|这篇|本文|中文版|英文版)"
# questions that ask for a header field itself, not for something about it ("作者的妻子是谁？",
# "Who is the author of the proposal?", "联合公报是谁写的？" are not)
_FIELD_RES: dict[str, re.Pattern[str]] = {
    "author": re.compile(
        rf"\bwho (wrote|authored) ({_DOC}|it){_END}|\bwho (is|was) the (author|writer)( of {_DOC})?{_END}|"
        rf"\b(author|writer)['’]?s? (full )?name\b|\bname of the (author|writer)\b|\b(written|authored) by whom\b|"
        rf"\bwho is {_DOC} by{_END}|"
        rf"作者是(谁|哪位|何人)|{_ZH_DOC}.{{0,6}}(谁|哪位)(写|撰写)的|(谁|哪位)是作者|作者(的)?(名字|姓名|全名)|作者叫什么",
        re.I,
    ),
    "affiliation": re.compile(
        r"\b(author|writer)['’]?s? (position|affiliation|institution|job|role|employer|post)\b|"
        r"\b(position|affiliation|institution|role|post|job|employer) of the (author|writer)\b|"
        r"\bwhere does the (author|writer) work\b|\bwhat (position|role|post|job) does the (author|writer) hold\b|"
        r"作者(的|所在的?|任职的?)?(职务|职位|机构|单位|头衔|任职)|作者在(哪|什么)\w{0,4}(工作|任职)|作者(担任|任)(什么|何)",
        re.I,
    ),
    "title": re.compile(
        rf"\b(title|headline) of {_DOC}\b|\b(article|document)['’]s (english |chinese )?(title|headline)\b|"
        rf"\bwhat is the (english |chinese |full )?(title|headline){_END}|\bwhat is {_DOC} (called|titled){_END}|"
        rf"{_ZH_DOC}\w{{0,6}}(标题|题目)|^\s*(英文|中文)?(标题|题目)(是什么|叫什么)|(英文|中文)(标题|题目)|{_ZH_DOC}叫什么",
        re.I,
    ),
    "date": re.compile(
        rf"\bwhen (was|is) {_DOC} (published|written|dated|released)\b|\b(publication|published) date\b|"
        rf"\bdate of {_DOC}\b|\bwhat date (is|was) {_DOC}\b|\bwhen did {_DOC} (appear|come out)\b|"
        rf"{_ZH_DOC}\w{{0,8}}(什么时候|何时|哪天|哪一天|哪年)\w{{0,2}}(发表|发布|刊登|写)|"
        rf"{_ZH_DOC}\w{{0,4}}(发表|发布|刊登)(的)?(日期|时间)|^\s*(发表|发布)(日期|时间)|{_ZH_DOC}(的)?(日期|时间)",
        re.I,
    ),
}


def is_about_article(question: str) -> bool:
    """The question mentions the article's author, title, date or the author's position."""
    return bool(META_RE.search(question)) or bool(header_fields_asked(question))


def header_fields_asked(question: str) -> list[str]:
    """The header fields the question asks for directly: "author", "affiliation", "title", "date"."""
    q = to_simplified(question)
    return [name for name, rx in _FIELD_RES.items() if rx.search(q)]


def header_answers(asked: Sequence[str], meta: DocumentMeta) -> list[str]:
    """The header fields asked for (``header_fields_asked``) that ``meta`` has (so the header answers them)."""
    have = {"author": meta.author, "affiliation": meta.affiliation, "title": meta.title or meta.title_zh, "date": meta.date}
    return [f for f in asked if have.get(f)]
