"""Which version of a bilingual document a question asks about.

Translators and readers of a bilingual pair ask what one version says: "According to the Chinese
version, …", "What Chinese term does the README use for …?", "英文版中…", "…的英文名称是什么？". Such
a question is answered from, and cited to, that version's paragraphs (``Query.version``); a question
that names both versions ("Do the English and Chinese versions agree…?") or none is not scoped.

A version is named by a language word followed by a noun for a text ("Chinese version", "中文版",
"英文原文"), or, more weakly, by a noun for a word of it ("Chinese name", "英文名称", "called in
English"). The text nouns decide over the word nouns: "英文版中作者机构的中文名称" asks the English
version.
"""

from __future__ import annotations

import re

from rag.text.chinese import fold

_LANGS = {"chinese": "zh", "mandarin": "zh", "english": "en", "中文": "zh", "汉语": "zh", "华文": "zh", "英文": "en", "英语": "en"}

_EN_TEXT = (
    "version|versions|text|texts|translation|original|edition|readme|article|post|blog|doc|docs|"
    "documentation|document|page|guide|manual|copy|side|source"
)
_EN_WORD = "name|names|term|terms|nickname|title|word|words|heading|phrase|wording|rendering|equivalent|label"
# a text needs a determiner ("the Chinese version", "its English-language docs"; not "Chinese text
# segmentation"), the noun within two words; a word does not ("What Chinese term…")
_EN = r"\b{det}(?=(chinese|mandarin|english)(?:[- ]language)?\s+(?:[\w'’-]+\s+){{0,2}}?(?:{nouns})\b)"
_DET = r"(?:the|its|their|this|that|these)\s+"
_EN_CALLED = r"\b(?:called|named|translated|rendered|written|said|termed|known)\s+(?:in|into|as)\s+(?=(chinese|english)\b)"
_EN_FOR = r"\bthe\s+(?=(chinese|english)\s+(?:for|of)\b)"  # "What is the Chinese for hue?"
# naming verbs: "What does the Chinese README call X?", "DashScope 在中文版里叫什么？" ask the named version's word
_NAMING = re.compile(r"\b(?:call|calls|called|name|names|named|term|terms|termed|translates?|translated|renders?|rendered)\b|叫|称|译|写作|写成")

_ZH_TEXT = "版本|版|原文|文档|文件|文章|文本|译文|译本|说明|页面|readme"
_ZH_WORD = "名称|名字|名|标题|术语|说法|叫法|称呼|译名|怎么说|怎么写|叫什么|里叫|中叫|称为|翻译|是什么(?!时候)"
_ZH = r"(?=(中文|汉语|华文|英文|英语)(?:的)?\s*(?:{nouns}))"
# both versions side by side ("the English and Chinese versions", "中英文版本"): a comparison
_BOTH = re.compile(r"\b(?:chinese|english)\s+(?:and|or|&|vs\.?|versus)\s+(?:chinese|english)\b|中英|英中|(?:中文|英文)(?:和|与|跟|及|或)(?:中文|英文)")

_TEXT = tuple(re.compile(x) for x in (_EN.format(det=_DET, nouns=_EN_TEXT), _ZH.format(nouns=_ZH_TEXT)))
_WORD = tuple(re.compile(x) for x in (_EN.format(det="", nouns=_EN_WORD), _ZH.format(nouns=_ZH_WORD), _EN_CALLED, _EN_FOR))


_LANGUAGE_WORD = re.compile(rf"(?:中文|汉语|华文|英文|英语)(?:名|名字|名称|译名|版|版本)?|chinese|mandarin|english|{_EN_TEXT}|{_EN_WORD}")


def is_language_word(word: str) -> bool:
    """"英文名", "中文版", "README", "Chinese": a language, or the kind of word or text asked for, never
    a name (jieba tags 英文名 as a person's name)."""
    return _LANGUAGE_WORD.fullmatch(fold(word)) is not None


def _first(patterns: tuple[re.Pattern, ...], text: str) -> str | None:
    """The language of the earliest mention: "In the Chinese version, what heading does the English
    version give…" asks the Chinese version."""
    found = sorted((m.start(1), _LANGS[m.group(1)]) for p in patterns for m in p.finditer(text))
    return found[0][1] if found else None


def named_version(question: str) -> str | None:
    """'en' or 'zh' when the question asks what one version of the document says, else None."""
    text = fold(question)
    if _BOTH.search(text):
        return None
    return _first(_TEXT, text) or _first(_WORD, text)


def asked_word_language(question: str) -> str | None:
    """'en' or 'zh' when the question asks for a word of one language: its name, term or rendering
    ("What Chinese name…", "Saturation 的中文是什么？", "the English for 红线"), or what the version it
    names calls something ("What does the Chinese README call Function Calling?")."""
    text = fold(question)
    word = _first(_WORD, text)
    if word:
        return word
    return named_version(question) if _NAMING.search(text) else None
