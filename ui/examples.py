"""Example questions for the selected document, made from the document itself: its headings that are
questions already (an FAQ's "How to close the click wave effect?"), its other headings ("What does
the document say about “When To Use”?"), else its title and byline. Nothing here knows any document."""

from __future__ import annotations

from rag.types import Document, Paragraph

_ASK = {
    "en": "What does the document say about “{h}”?",
    "zh": "文档中关于“{h}”讲了什么？",
}
_TITLE = {"en": "What is “{t}” about?", "zh": "《{t}》主要讲了什么？"}
_AUTHOR = {"en": "Who wrote this document?", "zh": "这篇文档的作者是谁？"}


def _is_question(text: str) -> bool:
    return text.rstrip().endswith(("?", "？"))


def _headings(doc: Document, lang: str) -> list[Paragraph]:
    seen: set[str] = set()
    out = []
    for p in doc.by_lang(lang):  # type: ignore[arg-type]
        text = p.text.strip()
        if p.kind == "heading" and 2 <= len(text) <= 80 and text.lower() not in seen:
            seen.add(text.lower())
            out.append(p)
    return out


def example_questions(doc: Document | None, per_lang: int = 2) -> list[str]:
    """Up to ``per_lang`` questions in each of the document's languages (question headings first)."""
    if doc is None:
        return []
    out: list[str] = []
    for lang in doc.langs:
        heads = _headings(doc, lang)
        asked = [p.text.strip() for p in heads if _is_question(p.text)]
        named = [_ASK[lang].format(h=p.text.strip()) for p in heads if not _is_question(p.text)]
        out += (asked[:1] + named[:1] + asked[1:] + named[1:])[:per_lang]
    if len(out) < 2 * per_lang:
        out += _from_header(doc)
    return list(dict.fromkeys(out))[: 2 * per_lang]


def _from_header(doc: Document) -> list[str]:
    m = doc.meta
    out = []
    if m.title:
        out.append(_TITLE["en"].format(t=m.title))
    if m.title_zh:
        out.append(_TITLE["zh"].format(t=m.title_zh))
    if m.author:
        out += [_AUTHOR["en"], _AUTHOR["zh"]]
    return out
