"""Citation markers read back from answer text (the export, the UI, the eval metrics, the baseline)."""

from __future__ import annotations

from rag.answer.markers import parse_markers, strip_markers


def test_parse_and_strip_marker_variants():
    text = "A [EN ¶3]. B 【ZH ¶12】。C (en 4) D [ZH¶5]"
    assert parse_markers(text) == [("en", 3), ("zh", 12), ("en", 4), ("zh", 5)]
    assert strip_markers(text) == "A. B。C D"


def test_text_without_markers_is_unchanged_and_has_none():
    assert parse_markers("Version 3 (2019) of ¶4.") == [] and strip_markers("Version 3 (2019) of ¶4.") == "Version 3 (2019) of ¶4."
