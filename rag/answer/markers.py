"""Citation markers in answer text: ``[EN ¶3]``, ``[ZH ¶12]`` (and the looser forms a model writes:
``【zh 12】``, ``(EN#3)``). The composer writes them; the export, the UI, the eval metrics and the textbook
baseline read them back."""

from __future__ import annotations

import re

MARKER_RE = re.compile(r"\s*[\[【(（]\s*(EN|ZH|En|Zh|en|zh)\s*[¶#]?\s*(\d{1,12})\s*[\]】)）]")


def strip_markers(text: str) -> str:
    """The text without its markers (and without the space a marker left before punctuation)."""
    return re.sub(r"[ \t]+([.,;:!?。，；：！？])", r"\1", MARKER_RE.sub("", text)).strip()


def parse_markers(text: str) -> list[tuple[str, int]]:
    """Every marker of the text, in order, as (lang, paragraph number)."""
    return [(lang.lower(), int(n)) for lang, n in MARKER_RE.findall(text)]
