from __future__ import annotations

from rag.answer.citations import CitationMatcher, parse_markers, strip_markers
from rag.types import Hit
from tests.conftest import make_app

EN1 = Hit("d", "en", 1, "U.S. President Donald Trump paid a state visit to China from May this year, the first in nine years.", 0.6)
ZH1 = Hit("d", "zh", 1, "今年5月13日至15日,特朗普总统访华。这是美国总统时隔九年再次对中国进行国事访问。", 0.5)
EN3 = Hit("d", "en", 3, "Toward the end of the year, as the APEC and G20 summits are held in the two countries, the heads of state are expected to meet again.", 0.4)
CTX = [EN1, ZH1, EN3]


def test_parse_and_strip_marker_variants():
    text = "A [EN ¶3]. B 【ZH ¶12】。C (en 4) D [ZH¶5]"
    assert parse_markers(text) == [("en", 3), ("zh", 12), ("en", 4), ("zh", 5)]
    assert strip_markers(text) == "A. B。C D"


def test_marker_for_a_paragraph_not_retrieved_is_dropped_and_replaced():
    text, cits = CitationMatcher().assign("The APEC and G20 summits are held in the two countries [EN ¶9].", CTX)
    assert "[EN ¶9]" not in text
    assert [c.key for c in cits] == [("d", "en", 3)]
    assert text.endswith("[EN ¶3].")


def test_a_marker_made_of_a_long_number_is_a_marker_and_dropped():
    """The model turned a web address's number into "[ZH ¶612569093]": no such paragraph, no marker shown."""
    text, cits = CitationMatcher().assign("The summits are held in the two countries, see [EN ¶612569093] [EN ¶3].", CTX)
    assert "612569093" not in text and text.endswith("[EN ¶3].")
    assert [c.key for c in cits] == [("d", "en", 3)]


def test_answer_without_markers_gets_them_per_sentence():
    ans = "Trump paid a state visit to China in May. The APEC and G20 summits are held in the two countries."
    text, cits = CitationMatcher().assign(ans, CTX)
    assert text == "Trump paid a state visit to China in May [EN ¶1]. The APEC and G20 summits are held in the two countries [EN ¶3]."
    assert [c.paragraph for c in cits] == [1, 3]


def test_unsupported_marker_is_dropped():
    # the model cites EN ¶3 for a sentence about the visit: EN ¶1 supports it, EN ¶3 does not
    text, cits = CitationMatcher().assign("Trump paid a state visit to China this year [EN ¶3].", CTX)
    assert [c.key for c in cits] == [("d", "en", 1)]


def test_twin_is_cited_for_a_number_only_it_states():
    text, cits = CitationMatcher().assign("Trump visited China from May 13 to 15 this year.", CTX)
    keys = [c.key for c in cits]
    assert ("d", "zh", 1) in keys
    assert "[ZH ¶1]" in text


def test_chinese_answer_markers_go_before_the_full_stop():
    text, cits = CitationMatcher().assign("特朗普总统于5月13日至15日访华。", CTX)
    assert text == "特朗普总统于5月13日至15日访华[ZH ¶1]。"


def test_every_answer_gets_at_least_one_citation():
    text, cits = CitationMatcher().assign("Yes.", CTX)
    assert len(cits) == 1


def test_no_context_no_citations():
    assert CitationMatcher().assign("Something [EN ¶1].", []) == ("Something.", ())


def test_invalid_marker_dropped_and_citation_attached(settings):
    app = make_app(settings, replies=["YES", "The APEC and G20 summits are held in the two countries toward the end of the year [EN ¶11]."])
    ans = app.pipeline.answer("When are the APEC and G20 summits held?")
    assert "[EN ¶11]" not in ans.text
    assert [(c.lang, c.paragraph) for c in ans.citations][0] == ("en", 3)


def test_a_marker_goes_before_closing_punctuation_but_after_a_command_s_quote():
    """A command ending in an ASCII quote is copied whole: the marker goes after it, not inside it."""
    from rag.answer.citations import attach

    cmd = 'Run pip install "fschat[model_worker,webui]"'
    assert attach(cmd, ["[EN ¶250]"]) == cmd + " [EN ¶250]"
    assert attach("It is done.", ["[EN ¶3]"]) == "It is done [EN ¶3]."


def test_citation_text_is_the_stored_paragraph(app):
    ans = app.pipeline.answer("Who is the author of the article?")
    doc = app.retriever.document(app.store.documents()[0].doc_id)
    for c in ans.citations:
        assert c.text == doc.get(c.lang, c.paragraph).text
