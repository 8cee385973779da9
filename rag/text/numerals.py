"""The numbers a text states, however it writes them, as comparable values.

Two versions of a paragraph state the same number in different ways: 1,350 = 1350 = 一千三百五十,
3 trillion = 3万亿 = 3T, 1.5 million = 150 万, 18亿 = 1.8B, July 2022 = 2022 年 7 月, May 12th, 2000 =
2000 年 5 月 12 日, 5 月 = May, 30% = 百分之三十, 5 days = 5 天 (units aside). Each number becomes one
canonical form (``"1350"``, ``"3000000000000"``, ``"date:2022-07"``, ``"v:1.5.0"``).

Two readings of a text, so that a comparison neither misses a changed number nor flags a number the
other version writes in words:

- ``stated``: the numbers a text clearly states: digits outside names (not the 3 of InternLM3, the
  64 of x86_64 or the 60376 of #60376), dates, versions, and Chinese numerals that count something
  (五大方向, 两种, 一千三百五十, 240 万; not 统一, 一些, 十分); enumerators that open an item ("1.",
  "(2)", "一、") are not stated numbers;
- ``readable``: every number a reader could see in it: those, plus every digit run (inside names too),
  English number words and ordinals (five, twice, first), month names, the parts of a date, and
  every Chinese numeral.

A number ``stated`` by one version and not ``readable`` in the other is one they disagree on.
The word lists are data: ``rag/text/data/numerals.toml``.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "numerals.toml"


@dataclass(frozen=True)
class Number:
    """One number as a text writes it (``text``) and its canonical form (``value``)."""

    text: str
    value: str


@dataclass(frozen=True)
class _Words:
    english: dict[str, float]
    scales: dict[str, float]
    suffixes: dict[str, float]
    units: frozenset[str]
    months: dict[str, int]
    zh_digits: dict[str, int]
    zh_places: dict[str, int]
    zh_sections: dict[str, float]
    counters: tuple[str, ...]
    ordinal: str
    percent: str
    half: str
    vague: tuple[str, ...]

    @property
    def zh_chars(self) -> str:
        """Every character of a Chinese numeral (digits, places, sections), for a regex class."""
        return "".join(sorted({*self.zh_digits, *self.zh_places, *self.zh_sections}))


@lru_cache(maxsize=1)
def words() -> _Words:
    d = tomllib.loads(DATA.read_text(encoding="utf-8"))
    zh = d["chinese"]
    return _Words(d["english"], d["scales"], d["suffixes"], frozenset(d["units"]["words"]), d["months"],
                  zh["digits"], zh["places"], zh["sections"], tuple(sorted(zh["counters"], key=len, reverse=True)),
                  zh["ordinal"], zh["percent"], zh["half"], tuple(zh["vague"]))


def canonical(value: float | Decimal | str) -> str:
    """"1350", "0.5", "3000000000000": one spelling per value."""
    try:
        d = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    return format(d, "f")


# --- patterns, built once from the word lists ------------------------------------------------------

@dataclass(frozen=True)
class _Patterns:
    enumerator: re.Pattern[str]
    date_en: re.Pattern[str]
    month_year: re.Pattern[str]
    date_num: re.Pattern[str]
    date_zh: re.Pattern[str]
    version: re.Pattern[str]
    number: re.Pattern[str]
    zh_numeral: re.Pattern[str]
    english_word: re.Pattern[str]
    month_word: re.Pattern[str]


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    w = words()
    months = "|".join(sorted(w.months, key=len, reverse=True))
    suffix = "|".join(sorted((re.escape(s) for s in {*w.suffixes, *w.units}), key=len, reverse=True))
    scales = "|".join(w.scales)
    sections = "".join(sorted(w.zh_sections))
    return _Patterns(
        # "1. ", "2) ", "(3)", "（4）", "一、", "（二）", "1）" opening an item or a clause (not the version "3.x")
        enumerator=re.compile(r"[(（]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]|(?:^|(?<=[\s:：;；。，,]))"
                              r"(?:\d{1,2}\s*[)）]|\d{1,2}\.(?!x(?![A-Za-z]))(?=\s|[^\d\s.])|[一二三四五六七八九十]{1,3}、)"),
        date_en=re.compile(rf"\b({months})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?|"
                           rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({months})\.?(?:,?\s+(\d{{4}})\b)?", re.I),
        month_year=re.compile(rf"\b({months})\.?,?\s+(\d{{4}})\b", re.I),
        date_num=re.compile(r"(?<![A-Za-z0-9_.])(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?![A-Za-z0-9_]|\.\w)"),
        date_zh=re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号號])?|(\d{4})\s*年(?!代)"),
        # (a period after it ends the sentence: "since 4.1.0." is the version 4.1.0, "4.1.0.2" is not)
        version=re.compile(r"(?<![A-Za-z0-9_.])v?(\d+(?:\.\d+){2,}|\d+\.x)(?![A-Za-z0-9_]|\.\w)", re.I),
        number=re.compile(rf"(?<![A-Za-z0-9_#@$.\\/])(\d{{1,3}}(?:,\d{{3}})+|\d+)(\.\d+)?"
                          rf"(?:[\s-]?({scales})\b|\s?({suffix})(?![A-Za-z0-9]))?(?![A-Za-z0-9_])", re.I),
        # (多 or 余 before the section: 50多亿 "over 5 billion")
        zh_numeral=re.compile(rf"(\d+(?:\.\d+)?\s*[多余餘]?[{sections}]+|[{w.zh_chars}]+(?:[多余餘][{sections}]+)?)"),
        english_word=re.compile(r"\b(" + "|".join(sorted(w.english, key=len, reverse=True)) + r")\b", re.I),
        month_word=re.compile(rf"\b({months})\b", re.I),
    )


def _normal(text: str) -> str:
    """NFKC (full-width digits, ％), and the Chinese comma that NFKC would turn into a thousands comma
    between digits ("62722，62876") kept apart."""
    return unicodedata.normalize("NFKC", re.sub(r"(?<=\d)，(?=\d)", "， ", text))


def _date(y: str | None, m: str | int | None, d: str | None) -> str | None:
    try:
        mi = int(m) if m is not None else None
        di = int(d) if d else None
    except ValueError:
        return None
    if mi is not None and not 1 <= mi <= 12 or di is not None and not 1 <= di <= 31:
        return None
    if y and mi and di:
        return f"date:{y}-{mi:02d}-{di:02d}"
    if y and mi:
        return f"date:{y}-{mi:02d}"
    if mi and di:
        return f"date:--{mi:02d}-{di:02d}"
    if mi:
        return f"date:--{mi:02d}"
    return None


def _date_parts(value: str) -> set[str]:
    """What a date also answers to: its year, month and day as numbers, and the shorter dates it
    contains (2000-05-12 → 2000, 5, 12, --05, --05-12, 2000-05)."""
    body = value[len("date:"):]
    if body.startswith("--"):
        y, rest = "", body[2:].split("-")
    else:
        y, *rest = body.split("-")
    m, d = (rest + ["", ""])[:2]
    out = {canonical(int(p)) for p in (y, m, d) if p}
    if m:
        out.add(f"date:--{m}")
    if m and d:
        out.add(f"date:--{m}-{d}")
    if y and m:
        out.add(f"date:{y}-{m}")
    return out


def zh_numeral_value(run: str) -> float | None:
    """一千三百五十 → 1350, 两 → 2, 二〇二三 → 2023, 240万 → 2400000, 3万亿 → 3e12, 一亿两千万 →
    120000000; None when ``run`` holds no digit (万, 千万 alone are words)."""
    w = words()
    run = run.replace(" ", "")
    m = re.match(r"(\d+(?:\.\d+)?)(.*)", run)
    if m:  # Arabic digits with Chinese magnitudes: 240万, 3万亿, 1000 万, 3千
        value = float(m.group(1))
        for ch in m.group(2):
            size = w.zh_sections.get(ch) or w.zh_places.get(ch)
            if size is None:
                return None
            value *= size
        return value
    if not any(ch in w.zh_digits or ch == "十" for ch in run):
        return None
    if len(run) > 1 and all(ch in w.zh_digits for ch in run):  # 二〇二三, read digit by digit
        return float("".join(str(w.zh_digits[ch]) for ch in run))
    result, wan, section, num = 0.0, 0.0, 0.0, 0
    for ch in run:
        if ch in w.zh_digits:
            num = w.zh_digits[ch]
        elif ch in w.zh_places:
            section += (num or 1) * w.zh_places[ch]
            num = 0
        elif w.zh_sections[ch] < 1e8:  # 万
            wan += (section + num) * w.zh_sections[ch]
            section, num = 0.0, 0
        else:  # 亿
            result = (result + wan + section + num) * w.zh_sections[ch]
            wan, section, num = 0.0, 0.0, 0
    return result + wan + section + num


_URL = re.compile(r"https?://\S+|www\.\S+|(?<!\w)#\d+|\^\d+|\{[^}]*\}")  # addresses, #60376, ^1, {0,1,2}


def _blank(text: str, m: re.Match) -> str:
    return text[: m.start()] + " " * (m.end() - m.start()) + text[m.end():]


def _take(text: str, pattern: re.Pattern[str], read) -> tuple[str, list[Number]]:
    """Numbers ``read(match)`` makes of each match (None: not a number), the matches blanked out."""
    found: list[Number] = []
    for m in reversed(list(pattern.finditer(text))):
        value = read(m)
        if value is not None:
            found.append(Number(m.group(0).strip(), value))
            text = _blank(text, m)
    return text, found[::-1]


def _read_date_en(m: re.Match) -> str | None:
    months = words().months
    if m.group(1):
        return _date(m.group(3), months[m.group(1).lower()], m.group(2))
    return _date(m.group(6), months[m.group(5).lower()], m.group(4))


def _read_number(m: re.Match) -> str | None:
    w = words()
    value = Decimal(m.group(1).replace(",", "") + (m.group(2) or ""))
    scale, suffix = m.group(3), m.group(4)
    if scale:
        value *= Decimal(str(w.scales[scale.lower()]))
    elif suffix and suffix in w.suffixes:
        value *= Decimal(str(w.suffixes[suffix]))
    return canonical(value)


def _zh_stated(text: str) -> tuple[str, list[Number]]:
    """Chinese numerals that count or order something: before a counter (五大方向, 两种, 240 万), after
    第 or 百分之, or a compound numeral (一千三百五十); a lone 一 (一个, 一些) is an article."""
    w = words()
    found: list[Number] = []
    for m in reversed(list(_patterns().zh_numeral.finditer(text))):
        run = re.sub(r"[\s多余餘]", "", m.group(1))
        value = zh_numeral_value(run)
        before = text[max(0, m.start() - 3) : m.start()]
        after = text[m.end() : m.end() + 2]
        if value is None or _vague(before, m.group(1), after):
            continue  # 数十亿 "billions", 十几个 "a dozen or so": no number stated
        arabic = run[0].isdigit()
        if arabic and run == re.sub(r"\D.*", "", run):
            continue  # plain digits: read as an Arabic number
        marked = before.endswith(w.ordinal) or before.endswith(w.percent)
        counted = any(after.startswith(c) for c in w.counters) and run != "一"
        compound = (len(run) > 1 and any(ch in w.zh_places or ch in w.zh_sections for ch in run)
                    and (run[0] in w.zh_digits or run[0] == "十" or run[0].isdigit()))  # not 万一, 千万
        if (arabic or marked or counted or compound) and (arabic or not _opens_word(text, m.start(), len(run))):
            found.append(Number(m.group(0).strip(), canonical(value)))
            text = _blank(text, m)
    return text, found[::-1]


@lru_cache(maxsize=1)
def _numeral_words() -> dict[str, str]:
    """The words of jieba's dictionary that start with a Chinese numeral, with their part-of-speech tags
    (its lines are "word frequency tag"; read once, ~0.1 s: jieba.posseg's table of every word takes 1 s)."""
    from rag.text.chinese import jieba_lib

    w = words()
    with jieba_lib().dt.get_dict_file() as f:
        data = f.read().decode("utf-8")
    return dict(re.findall(rf"^([{w.zh_chars}]\S*) \d+ (\S+)$", data, re.M))


def _opens_word(text: str, start: int, length: int) -> bool:
    """Does the Han numeral at ``start`` open a longer dictionary word that is no number (三元组 "triple",
    十六进制 "hexadecimal"): jieba's dictionary tags it other than a numeral or a time (三个月, 十年)?"""
    tags = _numeral_words()
    return any(tags.get(text[start : start + n], "m")[0] not in "mt" for n in range(length + 2, length + 5))


def _vague(before: str, run: str, after: str) -> bool:
    """Is the numeral ``run`` made vague: 几 right after it (十几个), or 数 or 几 right before it that is
    no part of the word before (数十亿, 每天数十次; but 参数三个: jieba's words of the text say which)?"""
    from rag.text.chinese import jieba_lib

    w = words()
    if after.startswith(w.vague):
        return True
    if not before.endswith(w.vague):
        return False
    at = len(before) - 1  # where the 数 or 几 is
    for word in jieba_lib().cut(before + run):
        if at < len(word):
            return at == 0  # it opens a word (数十亿, 数) rather than ending one (参数)
        at -= len(word)
    return False


def stated(text: str) -> list[Number]:
    """The numbers ``text`` clearly states (see the module doc), in no particular order."""
    p = _patterns()
    t = _normal(text)
    for m in reversed(list(_URL.finditer(t))):
        t = _blank(t, m)
    for m in reversed(list(p.enumerator.finditer(t))):
        t = _blank(t, m)
    out: list[Number] = []
    t, got = _take(t, p.date_num, lambda m: _date(m.group(1), m.group(2), m.group(3)))
    out += got
    t, got = _take(t, p.date_en, _read_date_en)
    out += got
    t, got = _take(t, p.month_year, lambda m: _date(m.group(2), words().months[m.group(1).lower()], None))
    out += got
    t, got = _take(t, p.date_zh, lambda m: _date(m.group(1), m.group(2), m.group(3)) if m.group(2)
                   else canonical(int(m.group(4))))
    out += got
    t, got = _take(t, p.version, lambda m: "v:" + m.group(1).lower())
    out += got
    t, got = _zh_stated(t)
    out += got
    t, got = _take(t, p.number, _read_number)
    return out + got


def readable(text: str) -> set[str]:
    """Every number a reader could see in ``text`` (see the module doc), as canonical forms."""
    p = _patterns()
    w = words()
    t = _normal(text)
    out: set[str] = set()
    for n in stated(text):
        out.add(n.value)
        if n.value.startswith("date:"):
            out |= _date_parts(n.value)
    out |= {canonical(x.replace(",", "")) for x in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", t)}
    out |= {canonical(x) for x in re.findall(r"\d+", t)}
    out |= {canonical(w.english[m.group(1).lower()]) for m in p.english_word.finditer(t)}
    out |= {f"date:--{w.months[m.group(1).lower()]:02d}" for m in p.month_word.finditer(t)}
    for m in p.zh_numeral.finditer(t):
        value = zh_numeral_value(m.group(1))
        if value is not None:
            out.add(canonical(value))
    if w.half in t:
        out.add(canonical(0.5))
    return out
