"""Cheap, deterministic evidence checks that back up the model's YES/NO verdict.

A question naming a person, place, organisation or year that appears nowhere in the documents
being answered from cannot be answered from them ("What did Biden say about Taiwan?" over an
article that never mentions Biden)."""

from __future__ import annotations

import re
from typing import ClassVar, Iterator, Sequence

from rag.answer.state import AnswerState, Event, Tools
from rag.text.chinese import tagged_words, to_simplified
from rag.text.language import detect_language
from rag.text.script import HAN_RE, LATIN_WORD_RE
from rag.text.tokens import EN_STOP, ZH_STOP

_NAME_RE = re.compile(r"(?<![\w.])([A-Z][a-z]+(?:[-'][A-Za-z]+)*)")
_YEAR_RE = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_ACRONYM_RE = re.compile(r"(?<![A-Za-z])([A-Z]{2,6})(?![A-Za-z])")  # GDP, NATO (G20-style names keep digits out)
_QUOTED_RE = re.compile(r"[“\"‘「『]([^”\"’」』]{2,60})[”\"’」』]|(?:(?<=\s)|^)'([^']{2,60})'(?=[\s?.,!;:]|$)")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_COMMON = frozenset(
    """What Who Whom Whose When Where Why How Which Is Are Was Were Do Does Did Can Could Will Would Should
    The A An In On At Of For To From By With About According And Or But If Please Tell Explain Describe List
    Give Name Summarize Summarise Compare I You We They He She It This That These Those There Here Article
    Document Text Author Paragraph English Chinese American Americans Russian Russians European Asian
    January February March April May June July August September October November December
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Mr Mrs Ms Dr President Minister Yes No""".split()
)
_ZH_NAME_FLAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nt", "j"})  # persons, places, organisations, abbreviations


def question_terms(question: str) -> list[str]:
    """Names and years in a question (English capitalised words, Chinese proper nouns)."""
    terms: list[str] = []
    for m in _NAME_RE.finditer(question):
        w = re.sub(r"['’]s$", "", m.group(1))
        start = m.start(1)
        sentence_start = start == 0 or question[:start].rstrip()[-1:] in ".?!:"
        if w in _COMMON or sentence_start:  # a capital at a sentence start says nothing about names
            continue
        terms.append(w)
    words = LATIN_WORD_RE.findall(question)
    if len(words) < 3 or sum(1 for w in words if w.isupper()) * 2 <= len(words):  # not typed in capitals
        terms.extend(a for a in _ACRONYM_RE.findall(question) if a not in ("I", "OK"))
    terms.extend(_YEAR_RE.findall(question))
    han = "".join(ch if HAN_RE.match(ch) else " " for ch in to_simplified(question))
    if han.strip():
        for word, flag in tagged_words(han):
            if flag in _ZH_NAME_FLAGS and len(word.strip()) >= 2:
                terms.append(word.strip())
    return terms


def _haystack(texts: list[str]) -> tuple[str, str]:
    """The texts joined in simplified script: (lower-cased for words, as written for acronyms)."""
    cased = to_simplified("\n".join(texts))
    return cased.lower(), cased


def _present(term: str, hay: str, hay_cased: str) -> bool:
    if term.isupper() and term.isascii():  # an acronym: a whole word, as written
        return re.search(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])", hay_cased) is not None
    return to_simplified(term).lower() in hay


def ungrounded_terms(
    question: str, texts: list[str], metonymy: bool = False, terms: Sequence[str] | None = None
) -> list[str]:
    """Terms of the question that occur in none of ``texts`` (case-insensitive, simplified script).
    With ``metonymy``, a capital standing for its government ("What worries Beijing…?") is grounded
    by its country's name; a capital used as a place ("在北京", "in Beijing") still has to occur.
    ``terms``: the question's terms when already known (``Query.terms``)."""
    hay, cased = _haystack(texts)
    terms = question_terms(question) if terms is None else terms
    missing = [t for t in dict.fromkeys(terms) if not _present(t, hay, cased)]
    if metonymy:
        missing = [t for t in missing if not _government(t, question, hay, cased)]
    return missing


# capitals (and seats of government) that news writing uses for the government: "Beijing says…"
_CAPITALS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("beijing", "北京", "zhongnanhai", "中南海"): ("China", "Chinese", "中国", "中方"),
    ("washington", "华盛顿"): ("United States", "U.S.", "America", "美国", "美方"),
    ("moscow", "莫斯科", "kremlin", "克里姆林宫"): ("Russia", "Russian", "俄罗斯", "俄方"),
    ("tokyo", "东京"): ("Japan", "Japanese", "日本", "日方"),
    ("seoul", "首尔"): ("South Korea", "Korea", "韩国", "韩方"),
    ("pyongyang", "平壤"): ("North Korea", "DPRK", "朝鲜", "朝方"),
    ("london", "伦敦"): ("Britain", "British", "United Kingdom", "UK", "英国", "英方"),
    ("paris", "巴黎"): ("France", "French", "法国", "法方"),
    ("berlin", "柏林"): ("Germany", "German", "德国", "德方"),
    ("brussels", "布鲁塞尔"): ("European Union", "EU", "欧盟"),
    ("delhi", "新德里"): ("India", "Indian", "印度"),
    ("kyiv", "kiev", "基辅"): ("Ukraine", "Ukrainian", "乌克兰"),
    ("taipei", "台北"): ("Taiwan", "台湾"),
    ("tehran", "德黑兰"): ("Iran", "Iranian", "伊朗"),
    ("canberra", "堪培拉"): ("Australia", "Australian", "澳大利亚"),
    ("ottawa", "渥太华"): ("Canada", "Canadian", "加拿大"),
}
_PLACE_BEFORE = re.compile(
    r"(\b(in|at|to|from|into|near|around|outside|inside|via|toward|towards|across|through|visit|visits|visited|visiting|"
    r"leave|leaves|left|leaving|reach|reached|arrive|arrived|arriving)\s+(the\s+)?(city\s+of\s+)?|"
    r"(在|到|去|赴|访问|访|前往|抵达|到达|离开|来|于|从|至|飞往|留在)\s*)$",
    re.I,
)


def gloss_capitals(
    question: str, texts: list[str], terms: Sequence[str] | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """The question with each capital that stands for its government glossed by the country's name
    as the documents write it ("What worries Beijing (China) about…"), so the model, which reads
    only the sources, sees what the question is about. Other questions come back unchanged."""
    hay, cased = _haystack(texts)
    out = question
    glossed: list[tuple[str, str]] = []
    for term in dict.fromkeys(question_terms(question) if terms is None else terms):
        if _present(term, hay, cased) or not _government(term, question, hay, cased):
            continue
        group = _capital_group(term)
        assert group is not None  # _government found it
        han = bool(HAN_RE.match(term[0]))
        names = [n for n in _CAPITALS[group] if _present(n, hay, cased) and bool(HAN_RE.match(n[0])) == han]
        names = names or [n for n in _CAPITALS[group] if _present(n, hay, cased)]
        if names:
            i = out.find(term)
            out = out[: i + len(term)] + (f"（{names[0]}）" if han else f" ({names[0]})") + out[i + len(term):]
            glossed.append((term, names[0]))
    return out, glossed


def unglossed(text: str, glossed: list[tuple[str, str]]) -> str:
    """Take the glosses back out of an answer that repeated them ("北京（中国）担心…" → "北京担心…")."""
    for term, name in glossed:
        text = re.sub(rf"{re.escape(term)}\s*[（(]\s*{re.escape(name)}\s*[)）]", term, text)
    return text


def _capital_group(term: str) -> tuple[str, ...] | None:
    """The names (English, Chinese) of the capital ``term`` is one of, if it is one."""
    key = to_simplified(term).lower()
    return next((k for k in _CAPITALS if key in k), None)


def _government(term: str, question: str, hay: str, cased: str) -> bool:
    """``term`` is a capital standing for its government, and the documents name that country."""
    group = _capital_group(term)
    if group is None:
        return False
    key = to_simplified(term).lower()
    if any(k != key and _present(k, hay, cased) for k in group):
        return True  # the same city in the other language ("莫斯科" for "Moscow")
    q = to_simplified(question)
    for m in re.finditer(re.escape(to_simplified(term)), q, re.I):
        if _PLACE_BEFORE.search(q[: m.start()]):
            return False  # a place: "in Beijing", "在北京参观"
    return any(_present(n, hay, cased) for n in _CAPITALS[group])


def quoted_terms(question: str) -> list[str]:
    """What the question quotes from the document: text in quotation marks, and the other-script
    words of a mixed question ("What does the article mean by 跛脚鸭?", "中美 Track II dialogues 会得到什么？")."""
    terms = [m.strip() for pair in _QUOTED_RE.findall(question) for m in pair if m.strip()]
    detected = detect_language(question)
    if detected.startswith("mixed:"):
        if detected.endswith("en"):
            from rag.text.chinese import jieba_lib

            for run in _HAN_RUN.findall(to_simplified(question)):
                terms.extend(w for w in jieba_lib().lcut(run) if len(w) >= 2 and w not in ZH_STOP)
        else:
            terms.extend(w for w in LATIN_WORD_RE.findall(question) if (len(w) >= 3 or w.isupper()) and w.lower() not in EN_STOP)
    return list(dict.fromkeys(terms))


def quotes_found(terms: Sequence[str], texts: list[str], corpus: list[str] | None = None, rare: int = 2) -> list[str]:
    """The question's quoted terms when every one of them occurs in ``texts`` (the context) and at
    least one is distinctive: in at most ``rare`` paragraphs of ``corpus`` (a paragraph and its
    twin). "What did 特朗普 eat in 中国?" quotes only words found everywhere, so it proves nothing.
    ``terms``: the question's ``quoted_terms`` (``Query.quoted``)."""
    terms = list(terms)
    if not terms:
        return []
    norm = [to_simplified(t).lower() for t in terms]
    hay, _ = _haystack(texts)
    if not all(t in hay for t in norm):
        return []
    paras = [to_simplified(p).lower() for p in (corpus if corpus is not None else texts)]
    if not any(sum(1 for p in paras if t in p) <= rare for t in norm):
        return []
    return terms


class GlossStage:
    """"Beijing" → "Beijing (China)" in the question the model reads (it sees only the sources)."""

    name: ClassVar[str] = "gloss"
    setting: ClassVar[str | None] = "capital_metonymy"  # the bool setting that switches it on; None: always on

    def __init__(self, tools: Tools) -> None:
        pass

    def run(self, state: AnswerState) -> Iterator[Event]:
        state.prompt_question, state.glossed = gloss_capitals(state.prompt_question, state.paragraphs, state.q.terms)
        return iter(())
