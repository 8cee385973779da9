"""Years no source states are cut from the answer (the claim check's repair, before it judges sentences)."""

from __future__ import annotations

import pytest

from rag.answer.factcheck import drop_unsupported_years, unsupported_years
from tests.conftest import make_app


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("Trump visited China on May 13, 2019 [ZH ¶1].", "Trump visited China on May 13 [ZH ¶1]."),
        ("特朗普于2019年5月13日至15日访华[ZH ¶1]。", "特朗普于5月13日至15日访华[ZH ¶1]。"),
        ("特朗普 visit China 是在 2019 年 5 月 13 日[ZH ¶1]。", "特朗普 visit China 是在 5 月 13 日[ZH ¶1]。"),
        ("It happened in 2017.", "It happened."),
        ("The article was published on June 22, 2026.", "The article was published on June 22, 2026."),
    ],
)
def test_years_no_source_states_are_removed(answer, expected):
    out, removed = drop_unsupported_years(answer, ["今年5月13日至15日", "June 22, 2026"])
    assert out == expected
    assert removed == unsupported_years(answer, ["今年5月13日至15日", "June 22, 2026"])


def test_the_claim_check_cuts_an_invented_year_and_keeps_the_sentence(settings):
    reply = ["YES", "The summits are held toward the end of 2031 [EN ¶3]."]
    ans = make_app(settings, replies=list(reply)).pipeline.answer("When are the APEC and G20 summits held?")
    assert "2031" not in ans.text and "toward the end [EN ¶3]." in ans.text
    assert ans.checks[0].outcome == "repaired" and "2031" in ans.checks[0].reason
    off = make_app(settings.model_copy(update={"claim_check": False, "quotes": False}), replies=list(reply))
    assert "2031" in off.pipeline.answer("When are the APEC and G20 summits held?").text
