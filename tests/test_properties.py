"""Property tests: re-wrapping at any width rebuilds the paragraphs; chunking loses and duplicates nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.chunk import split_paragraph
from ingest.parse import parse_text
from rag.text.sentences import sentence_spans
from rag.settings import DEFAULT_CORPUS

SEED = parse_text(DEFAULT_CORPUS.read_text(encoding="utf-8"), "seed", "seed")
EN = [p.text for p in SEED.by_lang("en") if p.n > 0]
ZH = [p.text for p in SEED.by_lang("zh") if p.n > 0]


def wrap(text: str, width: int) -> str:
    """Hard-wrap by cutting the string every `width` characters (the wrap keeps its own spaces)."""
    return "\n".join(text[i : i + width] for i in range(0, len(text), width))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    en_idx=st.lists(st.integers(0, len(EN) - 1), min_size=1, max_size=5),
    zh_idx=st.lists(st.integers(0, len(ZH) - 1), min_size=1, max_size=5),
    widths=st.lists(st.integers(2, 140), min_size=10, max_size=10),
    trailing_ws=st.booleans(),
)
def test_any_rewrapping_rebuilds_the_paragraphs(en_idx, zh_idx, widths, trailing_ws):
    en = [EN[i] for i in en_idx]
    zh = [ZH[i] for i in zh_idx]
    blocks = [wrap(t, widths[k % len(widths)]) for k, t in enumerate(en + zh)]
    sep = "\n \t\n" if trailing_ws else "\n\n"
    doc = parse_text(sep.join(blocks) + "\n", "d", "d")
    assert [p.text for p in doc.by_lang("en") if p.n > 0] == en
    assert [p.text for p in doc.by_lang("zh") if p.n > 0] == zh


sentence = st.one_of(
    st.text(alphabet="abcdefghij klmnop", min_size=1, max_size=60).map(lambda s: s.strip() + ". "),
    st.text(alphabet="中美关系稳定对话核安全", min_size=1, max_size=40).map(lambda s: s + "。"),
    st.text(alphabet="中美关系稳定对话", min_size=1, max_size=20).map(lambda s: s + "；"),
)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(sentence, min_size=1, max_size=40), budget=st.integers(20, 400), overlap=st.integers(0, 2))
def test_chunking_never_loses_or_duplicates_text(parts, budget, overlap):
    text = "".join(parts).strip()
    if not text:
        return
    spans = split_paragraph(text, budget, overlap)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    rebuilt = text[spans[0][0] : spans[0][1]]
    for (a1, b1), (a2, b2) in zip(spans, spans[1:]):
        assert a2 <= b1 and b2 > b1  # overlapping or adjacent, always moving forward
        rebuilt += text[b1:b2]
    assert rebuilt == text
    bounds = {a for a, _ in sentence_spans(text)} | {len(text)}
    assert all(a in bounds and b in bounds for a, b in spans)  # cut only at sentence ends


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_sentence_spans_tile_any_text(text):
    spans = sentence_spans(text)
    assert "".join(text[a:b] for a, b in spans) == text
