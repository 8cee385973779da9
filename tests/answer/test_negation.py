"""A yes/no answer that drops its sentence's negation (the negation stage)."""

from __future__ import annotations

import pytest

from rag.answer.negation import negated
from tests.conftest import hit, make_app


ZH12 = "第三,在中美元首会晤期间,中方重点提出台湾问题并重申己方一贯严正立场,但特朗普总统并未就此向中方做出明确承诺。王毅外长答记者问时称,中方感受到美方不认同也不接受台湾走向独立。"


@pytest.mark.parametrize(
    "q, answer, contradicted",
    [("特朗普總統在台灣問題上做出明確承諾了嗎？", "是的，特朗普總統在臺灣問題上做出了明確承諾[ZH ¶12]。", True),
     ("特朗普總統在台灣問題上做出明確承諾了嗎？", "特朗普总统在台湾问题上做出了明确承诺[ZH ¶12]。", True),
     ("特朗普總統在台灣問題上做出明確承諾了嗎？", "没有，特朗普总统并未做出明确承诺[ZH ¶12]。", False),
     ("特朗普總統在台灣問題上做出明確承諾了嗎？", "特朗普总统并未就此做出明确承诺[ZH ¶12]。", False),
     ("特朗普总统没有做出承诺吗？", "是的[ZH ¶12]。", False)],  # a negated question: yes/no is ambiguous
)
def test_yes_no_answer_that_drops_the_sentences_negation(q, answer, contradicted):
    from rag.answer.negation import contradiction

    found = contradiction(q, answer, [hit("zh", 12, ZH12)], "zh")
    assert (found is not None) is contradicted
    if found:
        assert "并未就此向中方做出明确承诺" in found.sentence and found.sentence in ZH12


def test_no_answer_without_a_negated_sentence_is_left_alone():
    from rag.answer.negation import contradiction, negated

    e2 = "The two sides agreed to expand exchanges and cooperation in public health, trade and tourism."
    assert contradiction("Did the two sides agree to expand cooperation in public health?", "Yes, they did [EN ¶2].", [hit("en", 2, e2)], "en") is None
    # "No" where the sentence has no negation word ("limited") is the model's call, not a contradiction
    e9 = "The improvement in relations remains limited and fragile."
    assert contradiction("Is the improvement in relations enough?", "No, it remains limited [EN ¶9].", [hit("en", 9, e9)], "en") is None
    assert not negated("未来两国关系不断发展，无论如何") and negated("并未") and negated("isn't")


def test_pipeline_answers_no_with_the_sentence_only_when_switched_on(settings):
    q = "Did Trump make explicit commitments on the Taiwan question?"
    reply = ["YES", "Yes, Trump made explicit commitments on the Taiwan question [EN ¶12]."]
    ans = make_app(settings, replies=list(reply)).pipeline.answer(q)
    assert ans.text.startswith("No. The document says: “But Trump made no explicit commitments on this issue.” [EN ¶12]")
    assert ("en", 12) in {(c.lang, c.paragraph) for c in ans.citations}
    off = make_app(settings.model_copy(update={"negation_check": False}), replies=list(reply))
    assert off.pipeline.answer(q).text.startswith("Yes, Trump made explicit commitments")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("特朗普总统并未做出明确承诺", True), ("未成年人不能使用", True), ("组件无法使用", True), ("It does not work.", True),
        # words that merely contain a negator, read as the words they are
        ("无障碍设计很重要", False), ("未成年人可以使用", False), ("不断发展", False), ("未来十年", False),
        ("It works without a server.", False),
    ],
)
def test_negation_is_read_word_by_word(text, expected):
    assert negated(text) is expected
