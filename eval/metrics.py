"""Metrics as pure functions over one question's result. A metric whose inputs are missing is None."""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any

from rag.text.chinese import to_simplified
from rag.text.language import detect_language, text_language

MARKER_RE = re.compile(r"\[(EN|ZH) ¶\d+\]")


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_ZERO_DECIMALS = re.compile(r"(?<=\d)\.0+(?![\d.])")


def _norm(s: str) -> str:
    """Script, case, width and number format aside: 通義 = 通义, ３ = 3, 1,350 = 1350, 3.0T = 3T."""
    s = unicodedata.normalize("NFKC", to_simplified(s)).lower()
    return _ZERO_DECIMALS.sub("", _THOUSANDS.sub("", s))


def _gold(item: dict) -> list[int] | None:
    g = item.get("gold_paragraphs")
    return list(g) if g else None


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", _norm(s))


def text_gold(item: dict, citation: dict) -> bool:
    """A set on real documents names its gold by text the gold paragraph holds ("gold_text"): paragraph
    numbers change with the parser, the text does not. Asked of a library, the paragraph must also be
    in the question's document ("gold_doc", the runner's mapping of its ``pair``)."""
    text = _flat(citation.get("text", ""))
    lang_ok = not item.get("gold_lang") or citation.get("lang") == item["gold_lang"]
    doc_ok = not item.get("gold_doc") or citation.get("doc") == item["gold_doc"]
    return lang_ok and doc_ok and any(_flat(g) in text for g in item["gold_text"])


def _relevant(item: dict, lang: str, n: int, language_specific: bool) -> bool:
    gold = _gold(item) or []
    if n not in gold:
        return False
    if language_specific and item.get("gold_lang"):
        return lang == item["gold_lang"]
    return True


def ranked_keys(result: dict, language_specific: bool) -> list[tuple[str, int]]:
    """Retrieved paragraphs, best first; language-agnostic ranks merge EN ¶n and ZH ¶n."""
    out: list[tuple[str, int]] = []
    for r in result.get("retrieved", []):
        key = (r["lang"], r["paragraph"]) if language_specific else ("*", r["paragraph"])
        if key not in out:
            out.append(key)
    return out


def gold_flags(item: dict, retrieved: list[tuple[str, str, str]]) -> list[bool]:
    """For a set that names its gold by text: whether each retrieved paragraph ((doc, lang, text), best
    first) holds a gold text, in either language (and in the question's document, when it names one).
    The runner stores these as ``retrieved_gold``, since a result keeps no retrieved text."""
    return [text_gold({**item, "gold_lang": None}, {"doc": doc, "text": text, "lang": lang}) for doc, lang, text in retrieved]


def _text_ranked(item: dict, result: dict, language_specific: bool) -> list[bool] | None:
    """Gold by text: one flag per retrieved paragraph (in gold_lang only, when language-specific); a
    paragraph is its own rank, since EN ¶n and ZH ¶n of a real pair are not the same paragraph."""
    flags = result.get("retrieved_gold")
    if flags is None or (language_specific and not item.get("gold_lang")):
        return None
    hits = result.get("retrieved", [])
    return [f for f, h in zip(flags, hits) if not language_specific or h["lang"] == item["gold_lang"]]


def _ranked_flags(item: dict, result: dict, language_specific: bool) -> list[bool] | None:
    """Relevance of each retrieved rank, best first; None when the item has no gold or the metric does
    not apply (unanswerable; language-specific without gold_lang)."""
    if not item.get("answerable", True):
        return None
    if item.get("gold_text"):
        return _text_ranked(item, result, language_specific)
    gold = _gold(item)
    if not gold or (language_specific and not item.get("gold_lang")):
        return None
    return [n in gold and (not language_specific or lang == item["gold_lang"])
            for lang, n in ranked_keys(result, language_specific)]


def _gold_count(item: dict) -> int:
    return 1 if item.get("gold_text") else len(set(_gold(item) or []))  # gold texts are alternatives


def recall_at_k(item: dict, result: dict, k: int, language_specific: bool = False) -> float | None:
    flags = _ranked_flags(item, result, language_specific)
    if flags is None:
        return None
    if item.get("gold_text"):
        return 1.0 if any(flags[:k]) else 0.0
    found = {n for (lang, n), f in zip(ranked_keys(result, language_specific), flags[:k]) if f}
    return len(found) / _gold_count(item)


def mrr(item: dict, result: dict, language_specific: bool = False) -> float | None:
    flags = _ranked_flags(item, result, language_specific)
    if flags is None:
        return None
    return next((1.0 / i for i, f in enumerate(flags, 1) if f), 0.0)


def ndcg_at_k(item: dict, result: dict, k: int = 5, language_specific: bool = False) -> float | None:
    flags = _ranked_flags(item, result, language_specific)
    if flags is None:
        return None
    if item.get("gold_text"):  # alternatives: the first gold paragraph is the one that counts
        flags = [f and not any(flags[:i]) for i, f in enumerate(flags)]
    dcg = sum(1.0 / math.log2(i + 1) for i, f in enumerate(flags[:k], 1) if f)
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(k, _gold_count(item)) + 1))
    return dcg / ideal if ideal else None


def citation_precision(item: dict, result: dict) -> float | None:
    gold = _gold(item)
    cits = result.get("citations") or []
    if not cits or not item.get("answerable", True):
        return None
    if item.get("gold_text"):
        return sum(1 for c in cits if text_gold({**item, "gold_lang": None}, c)) / len(cits)
    if not gold:
        return None
    return sum(1 for c in cits if c["paragraph"] in gold) / len(cits)


def citation_recall(item: dict, result: dict) -> float | None:
    gold = _gold(item)
    if not gold or not item.get("answerable", True):
        return None
    if result.get("refused"):
        return 0.0
    cited = {c["paragraph"] for c in result.get("citations") or []}
    return len(cited & set(gold)) / len(set(gold))


def citation_hit(item: dict, result: dict) -> bool | None:
    """At least one citation names a gold paragraph (in gold_lang when the item names one)."""
    if item.get("gold_text") and item.get("answerable", True):
        return any(text_gold(item, c) for c in result.get("citations") or [])
    if not _gold(item) or not item.get("answerable", True):
        return None
    return any(_relevant(item, c["lang"], c["paragraph"], True) for c in result.get("citations") or [])


def keyword_match(item: dict, result: dict) -> bool | None:
    groups = item.get("keywords")
    if not groups or not item.get("answerable", True):
        return None
    text = _norm(MARKER_RE.sub("", result.get("answer", "")))
    return all(any(_norm(k) in text for k in group) for group in groups)


def expected_language(item: dict) -> str:
    if item.get("answer_lang"):
        return item["answer_lang"]
    d = detect_language(item["question"])
    return d.split(":", 1)[1] if d.startswith("mixed:") else d


_QUOTED = re.compile(r"```.*?```|“[^”]*”|\"[^\"]*\"|「[^」]*」|『[^』]*』|\([^()]*\)|（[^（）]*）", re.S)


def own_words(answer: str) -> str:
    """The answer without its markers, what it quotes (a fenced code block too) and what it glosses in
    brackets: "本文的标题是“What the New Developments Mean”" is a Chinese answer that quotes an English
    title, "勾选传导译为（check conduction）" one that gives an English term (the whole answer when nothing
    else is left)."""
    text = MARKER_RE.sub("", answer)
    rest = _QUOTED.sub(" ", text)
    return rest if re.search(r"[A-Za-z\u3400-\u9fff]", rest) else text


def language_match(item: dict, result: dict) -> bool:
    """The answer is in the expected language, read as a whole or by its own words (without what it
    quotes or glosses in brackets): "本文的作者是 Tuosheng Zhang (張沱生)" and "本文的标题是“What the New
    Developments Mean”" are Chinese answers giving English names."""
    want = expected_language(item)
    if result.get("answer_language") != want:
        return False
    text = MARKER_RE.sub("", result.get("answer", ""))
    return any(_in_language(text_language(t), want) for t in (text, own_words(text)))


def _in_language(got: str, want: str) -> bool:
    if want == "en":
        return got == "en"
    return got in ("zh", "zh-Hant") and (want != "zh-Hant" or got == "zh-Hant")


def refusal_correct(item: dict, result: dict) -> bool | None:
    """On unanswerable questions: was it refused?"""
    if item.get("answerable", True):
        return None
    return bool(result.get("refused"))


def false_refusal(item: dict, result: dict) -> bool | None:
    if not item.get("answerable", True):
        return None
    return bool(result.get("refused"))


def unsupported(result: dict) -> list[str] | None:
    """The answer's lines that no paragraph it cites states verbatim (``eval.support``; None: refused,
    or a result written without citation texts)."""
    from eval.support import unsupported as unstated

    cits = result.get("citations") or []
    if result.get("refused") or any("text" not in c for c in cits):
        return None
    return unstated(result.get("answer") or "", [c["text"] for c in cits])


def passed(item: dict, result: dict) -> bool:
    """Issue-9 pass: answerable → not refused, gold cited, every keyword group, right language;
    unanswerable → refused."""
    if not item.get("answerable", True):
        return bool(result.get("refused"))
    if result.get("refused"):
        return False
    hit = citation_hit(item, result)
    kw = keyword_match(item, result)
    return (hit is not False) and (kw is not False) and language_match(item, result)


def score(item: dict, result: dict, ks=(1, 3, 5, 10)) -> dict[str, Any]:
    m: dict[str, Any] = {}
    for k in ks:
        m[f"recall@{k}"] = recall_at_k(item, result, k)
        m[f"recall@{k}_lang"] = recall_at_k(item, result, k, language_specific=True)
    m["mrr"] = mrr(item, result)
    m["mrr_lang"] = mrr(item, result, language_specific=True)
    m["ndcg@5"] = ndcg_at_k(item, result, 5)
    m["citation_precision"] = citation_precision(item, result)
    m["citation_recall"] = citation_recall(item, result)
    m["citation_hit"] = citation_hit(item, result)
    m["keywords"] = keyword_match(item, result)
    m["language_match"] = language_match(item, result)
    m["refusal_correct"] = refusal_correct(item, result)
    m["false_refusal"] = false_refusal(item, result)
    m["pass"] = passed(item, result)
    m["unsupported_claims"] = unsupported(result)
    return m


def question_language(item: dict) -> str:
    """en | zh | zh-Hant | mixed: the set's ``mixed`` category, else the question's main language."""
    if item.get("category") == "mixed":
        return "mixed"
    d = detect_language(item["question"])
    return d.split(":", 1)[1] if d.startswith("mixed:") else d


def direction(item: dict) -> str:
    """Language direction of a question for the report."""
    d = detect_language(item["question"])
    if d.startswith("mixed"):
        return "mixed"
    if d == "zh-Hant":
        return "traditional"
    gl = item.get("gold_lang")
    if d == "en":
        return "EN→ZH-only facts" if gl == "zh" else "EN→EN"
    return "ZH→EN-only facts" if gl == "en" else "ZH→ZH"


def mean(values) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(values, p: float) -> float | None:
    vals = sorted(float(v) for v in values if v is not None)
    if not vals:
        return None
    i = (len(vals) - 1) * p / 100.0
    lo, hi = math.floor(i), math.ceil(i)
    return vals[lo] + (vals[hi] - vals[lo]) * (i - lo)
