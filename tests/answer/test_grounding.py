"""Grounding: quoted terms, names the documents never mention, capitals standing for governments (the gloss stage and the verdict's grounding rules)."""

from __future__ import annotations

from rag.answer.grounding import quoted_terms, quotes_found, ungrounded_terms
from tests.conftest import make_app


def test_quoted_terms_of_mixed_and_quoted_questions():
    terms = quoted_terms("What does the article mean by 跛脚鸭?")
    assert terms and all(t in "跛脚鸭" for t in terms)
    assert quoted_terms("What does “lame duck” mean?") == ["lame duck"]
    assert "GDP" in quoted_terms("文章提到的中国GDP增长率是多少？")
    assert quoted_terms("When did Trump visit China?") == []
    assert quotes_found(quoted_terms("What does 'lame duck' mean?"), ["whether it will become a lame duck"]) == ["lame duck"]
    assert quotes_found(quoted_terms("文章提到的中国GDP增长率是多少？"), ["中国 APEC"]) == []
    corpus = ["特朗普访华中国。", "特朗普与中国。", "中国与特朗普会晤。", "跛脚鸭"]
    assert quotes_found(quoted_terms("What did 特朗普 eat in 中国?"), corpus[:2], corpus) == []  # common words prove nothing
    assert quotes_found(quoted_terms("What does the article mean by 跛脚鸭?"), corpus[3:], corpus)


def test_model_no_is_overruled_when_the_context_holds_the_quoted_term(settings):
    strict = settings.model_copy(update={"trust_retrieval_above": 2.0})  # similarity never overrules here
    q = "What does the article mean by 跛脚鸭?"
    ans = make_app(strict, replies=["NO", "It means a lame duck administration [EN ¶10]."]).pipeline.answer(q)
    assert not ans.refused and "lame duck" in ans.text and ans.verdict.rule == "quoted-terms"
    off = make_app(strict.model_copy(update={"trust_quoted_terms": False}), replies=["NO"])
    assert off.pipeline.answer(q).refused


def test_acronyms_the_document_never_uses_are_ungrounded():
    texts = ["China hosts the APEC and G20 summits", "中国加强建立信任措施(CBM)", "AI军事应用对话"]
    assert ungrounded_terms("What is China's GDP growth rate?", texts) == ["GDP"]
    assert ungrounded_terms("文章提到的中国GDP增长率是多少？", texts) == ["GDP"]
    assert ungrounded_terms("What does CBM stand for?", texts) == []
    assert ungrounded_terms("How do AI talks fit in?", texts) == []
    assert ungrounded_terms("WHAT DID THE SUMMIT AGREE?", texts) == []  # typed in capitals: not acronyms


def test_a_question_with_an_unknown_acronym_is_refused_without_asking_the_model(settings):
    app = make_app(settings, replies=["YES", "It grew by 5 percent."])
    ans = app.pipeline.answer("What is China's GDP growth rate?")
    assert ans.refused
    assert app.chat_backend.llm.calls == []  # the code refused before any model call


def test_a_capital_standing_for_its_government_is_grounded_by_the_country():
    texts = ["China-U.S. relations: Washington and Moscow", "中美关系 中方"]
    q = "What worries Beijing about Washington's domestic politics after the midterms?"
    assert ungrounded_terms(q, texts) == ["Beijing"]
    assert ungrounded_terms(q, texts, metonymy=True) == []
    assert ungrounded_terms("北京担心什么？", texts, metonymy=True) == []
    assert ungrounded_terms("莫斯科对此怎么看？", texts, metonymy=True) == []  # the same city, other language
    # a capital used as a place must itself occur
    assert ungrounded_terms("特朗普在北京参观了哪些地方？", texts, metonymy=True) == ["特朗普", "北京"]
    assert ungrounded_terms("What did they see in Beijing?", texts, metonymy=True) == ["Beijing"]
    assert ungrounded_terms("What did they do after they left Beijing?", texts, metonymy=True) == ["Beijing"]
    # a capital whose country the documents never name
    assert ungrounded_terms("What does Tokyo think?", texts, metonymy=True) == ["Tokyo"]


def test_pipeline_answers_a_metonymy_question_only_when_switched_on(settings):
    q = "What worries Beijing about Washington's domestic politics after the midterms?"
    reply = ["YES", "China worries that the Trump administration may become a lame duck [EN ¶10]."]
    assert make_app(settings, replies=list(reply)).pipeline.answer(q).verdict.rule != "ungrounded-terms"
    off = make_app(settings.model_copy(update={"capital_metonymy": False}), replies=list(reply))
    assert off.pipeline.answer(q).refused and off.chat_backend.llm.calls == []  # refused in code
