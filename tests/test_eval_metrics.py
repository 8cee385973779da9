"""Every metric on hand-made results, Chinese text included."""

from __future__ import annotations

import pytest

from eval import metrics as m


def res(answer="", refused=False, citations=(), retrieved=(), lang="en", timings=None):
    return {
        "answer": answer, "refused": refused, "answer_language": lang,
        "citations": [{"doc": "d", "lang": l, "paragraph": n, "text": ""} for l, n in citations],
        "retrieved": [{"doc": "d", "lang": l, "paragraph": n, "score": 1.0 - i / 10} for i, (l, n) in enumerate(retrieved)],
        "timings_ms": timings or {},
    }


ITEM = {"id": "a", "question": "特朗普何时访华？", "answerable": True, "gold_paragraphs": [1], "gold_lang": "zh",
        "keywords": [["13"], ["15日", "十五日"]], "answer_lang": "zh"}


def test_recall_mrr_ndcg_language_agnostic_and_specific():
    r = res(retrieved=[("en", 3), ("en", 1), ("zh", 1), ("zh", 3)])
    assert m.recall_at_k(ITEM, r, 1) == 0.0
    assert m.recall_at_k(ITEM, r, 2) == 1.0  # EN ¶1 counts when any language will do
    assert m.recall_at_k(ITEM, r, 2, language_specific=True) == 0.0
    assert m.recall_at_k(ITEM, r, 3, language_specific=True) == 1.0
    assert m.mrr(ITEM, r) == 0.5
    assert m.mrr(ITEM, r, language_specific=True) == pytest.approx(1 / 3)
    assert m.ndcg_at_k(ITEM, r, 5) == pytest.approx(1 / 1.5849625, rel=1e-4)


def test_multi_gold_recall():
    item = {"id": "b", "question": "q", "gold_paragraphs": [10, 11, 12]}
    r = res(retrieved=[("en", 10), ("zh", 10), ("en", 12), ("en", 2)])
    assert m.recall_at_k(item, r, 2) == pytest.approx(2 / 3)  # EN ¶10 and ZH ¶10 merge into one rank


def test_citation_precision_recall_hit():
    r = res("x", citations=[("en", 1), ("zh", 1), ("en", 4)])
    assert m.citation_precision(ITEM, r) == pytest.approx(2 / 3)
    assert m.citation_recall(ITEM, r) == 1.0
    assert m.citation_hit(ITEM, r) is True
    assert m.citation_hit(ITEM, res("x", citations=[("en", 1)])) is False  # the fact is only in ZH ¶1


def test_keywords_chinese_traditional_and_markers():
    assert m.keyword_match(ITEM, res("特朗普于5月13日至15日访华[ZH ¶1]。")) is True
    assert m.keyword_match(ITEM, res("特朗普於5月13日至15日訪華。")) is True  # traditional answer, simplified keywords
    assert m.keyword_match(ITEM, res("特朗普于5月13日访华。")) is False  # a group missing
    assert m.keyword_match(ITEM, res("¶13 only [ZH ¶15]")) is False  # markers are not content


def test_language_match():
    assert m.language_match(ITEM, res("特朗普于5月访华。", lang="zh")) is True
    assert m.language_match(ITEM, res("Trump visited in May.", lang="zh")) is False
    hant = {**ITEM, "answer_lang": "zh-Hant"}
    assert m.language_match(hant, res("特朗普於五月訪華，這是九年來首次。", lang="zh-Hant")) is True
    assert m.language_match(hant, res("特朗普于五月访华，这是九年来首次。", lang="zh-Hant")) is False
    # judged by the answer's own words, not by what it quotes
    assert m.language_match(ITEM, res("本文的标题是“What the New Developments Mean”[EN ¶0]。", lang="zh")) is True
    assert m.language_match(ITEM, res("The title is “What the New Developments Mean” [EN ¶0].", lang="zh")) is False
    assert m.language_match(ITEM, res("“特朗普于五月访华。”", lang="zh")) is True  # all quotation: the quotation's language
    assert m.language_match(ITEM, res("勾选传导翻译为（Check conduction [EN ¶24]）。", lang="zh")) is True  # a bracketed term
    assert m.language_match(ITEM, res("It is translated as check conduction (勾选传导).", lang="zh")) is False
    assert m.language_match(ITEM, res("本文的作者是 Tuosheng Zhang (張沱生)[EN ¶0]。", lang="zh")) is True
    log = "```\n[09:44:46] 'build2xCSS' errored after 126 ms\n[09:44:46] CssSyntaxError in plugin\n```\n[ZH ¶8]"
    assert m.language_match(ITEM, res(f"似乎是在 2x 构建时报错： [ZH ¶7]\n\n{log}", lang="zh")) is True  # a code block
    assert m.language_match(ITEM, res(f"It failed in the 2x build: [EN ¶7]\n\n{log}", lang="zh")) is False


def test_refusal_metrics_and_pass():
    un = {"id": "u", "question": "What did Biden say?", "answerable": False}
    assert m.refusal_correct(un, res(refused=True)) is True
    assert m.refusal_correct(un, res("Biden said…")) is False
    assert m.false_refusal(ITEM, res(refused=True)) is True
    assert m.passed(un, res(refused=True)) and not m.passed(un, res("x"))
    good = res("特朗普于5月13日至15日访华[ZH ¶1]。", citations=[("zh", 1)], lang="zh")
    assert m.passed(ITEM, good)
    assert not m.passed(ITEM, {**good, "refused": True})


def test_missing_fields_skip_metrics():
    bare = {"id": "x", "question": "When did Trump visit China?"}
    s = m.score(bare, res("In May.", citations=[("en", 1)]))
    assert s["recall@3"] is None and s["citation_precision"] is None and s["keywords"] is None
    assert s["language_match"] is True and s["pass"] is True


def test_direction():
    assert m.direction({"question": "When?", "gold_lang": "zh"}) == "EN→ZH-only facts"
    assert m.direction({"question": "作者是谁？", "gold_lang": "en"}) == "ZH→EN-only facts"
    assert m.direction({"question": "作者是誰？"}) == "traditional"
    assert m.direction({"question": "What is 跛脚鸭?"}) == "mixed"


def test_percentile_and_mean():
    assert m.percentile([1, 2, 3, 4], 50) == 2.5
    assert m.mean([None, 1, 0]) == 0.5 and m.mean([None]) is None


def test_gold_given_as_text_is_matched_in_the_cited_paragraph():
    from eval.metrics import citation_hit, citation_precision, passed
    from eval.report import summarize

    item = {"id": "r1", "question": "Which port?", "answerable": True, "docs": ["qwen"], "gold_text": ["--port 8000"],
            "keywords": [["8000"]], "answer_lang": "en"}
    good = {"answer": "It listens on port 8000 [ZH ¶7].", "answer_language": "en", "refused": False,
            "citations": [{"doc": "qwen", "lang": "zh", "paragraph": 7, "text": "python -m x --host localhost --port  8000"}]}
    bad = {**good, "citations": [{"doc": "qwen", "lang": "en", "paragraph": 2, "text": "Quickstart"}]}
    assert citation_hit(item, good) is True and passed(item, good)
    assert citation_hit(item, bad) is False and not passed(item, bad)
    assert citation_precision(item, good) == 1.0
    assert citation_hit({**item, "gold_lang": "en"}, good) is False  # a fact of one version: that version
    results = [{"id": "r1", "question": "Which port?", "metrics": {"pass": True}, "timings_ms": {}}]
    assert summarize([item], results)["per_document"]["qwen"]["pass rate"] == 1.0


def test_retrieval_metrics_of_a_set_with_gold_text_rank_each_paragraph():
    """Real pairs number their versions differently (EN ¶56 ↔ ZH ¶57): gold by text is read per
    retrieved paragraph, from the flags the runner stores, not by merging EN ¶n with ZH ¶n."""
    from eval.metrics import gold_flags, mrr, ndcg_at_k, recall_at_k

    item = {"answerable": True, "gold_text": ["port 8000"], "gold_lang": "zh"}
    retrieved = [("en", 3, "Quickstart"), ("zh", 3, "快速开始"), ("en", 56, "the port 8000"), ("zh", 57, "端口 port 8000")]
    result = {"retrieved": [{"lang": lang, "paragraph": n} for lang, n, _ in retrieved],
              "retrieved_gold": gold_flags(item, [("d", lang, text) for lang, _, text in retrieved])}
    assert result["retrieved_gold"] == [False, False, True, True]
    assert (recall_at_k(item, result, 2), recall_at_k(item, result, 3)) == (0.0, 1.0)
    assert mrr(item, result) == pytest.approx(1 / 3) and mrr(item, result, language_specific=True) == 0.5
    assert recall_at_k(item, result, 1, language_specific=True) == 0.0 and ndcg_at_k(item, result) == pytest.approx(0.5)
    assert recall_at_k(item, {"retrieved": result["retrieved"]}, 3) is None  # a result written before the flags
    assert mrr({**item, "answerable": False}, result) is None


def test_asked_of_a_library_gold_text_counts_only_in_the_questions_document():
    """Two documents may both say "port 8000"; a question about one is answered by that one."""
    from eval.metrics import citation_hit, gold_flags, recall_at_k

    item = {"answerable": True, "gold_text": ["port 8000"], "gold_doc": "vuejs_docs.faq"}
    retrieved = [("letsencrypt.faq", "en", "use port 8000"), ("vuejs_docs.faq", "zh", "端口 port 8000")]
    flags = gold_flags(item, retrieved)
    assert flags == [False, True]
    result = {"retrieved": [{"doc": d, "lang": lang, "paragraph": 1} for d, lang, _ in retrieved], "retrieved_gold": flags}
    assert (recall_at_k(item, result, 1), recall_at_k(item, result, 3)) == (0.0, 1.0)
    other = {"citations": [{"doc": "letsencrypt.faq", "lang": "en", "paragraph": 1, "text": "use port 8000"}]}
    assert citation_hit(item, other) is False
    assert citation_hit({k: v for k, v in item.items() if k != "gold_doc"}, other) is True


def test_question_language_reads_the_question_and_the_mixed_category():
    from eval.metrics import question_language

    assert question_language({"question": "What is Vue?", "category": "en_en"}) == "en"
    assert question_language({"question": "Vue 是什么？", "category": "zh_zh"}) == "zh"
    assert question_language({"question": "這個套件怎麼設定？", "category": "zh_hant"}) == "zh-Hant"
    assert question_language({"question": "What does 多租户 mean?", "category": "mixed"}) == "mixed"


def test_numbers_are_matched_by_value_not_format():
    """A table writes 3.0T where the prose writes 3T; a keyword or gold text matches either (real-05)."""
    from eval.metrics import citation_hit, keyword_match

    item = {"answerable": True, "gold_text": ["3T tokens"], "keywords": [["3T"], ["1350"]]}
    result = {"answer": "在3.0T tokens上训练，共１,350人[ZH ¶15]。",
              "citations": [{"lang": "zh", "paragraph": 15, "text": "训练数据: 3.0T tokens"}]}
    assert keyword_match(item, result) and citation_hit(item, result)
    assert not keyword_match({**item, "keywords": [["3.5T"]]}, result)


def test_unsupported_lines_are_listed_per_answer_and_counted():
    from eval.metrics import score
    from eval.report import summarize

    item = {"id": "q", "question": "How long was it trained?", "answerable": True}
    made_up = {"answer": "It was trained for 10 days [EN ¶2].", "refused": False, "answer_language": "en",
               "citations": [{"doc": "d", "lang": "en", "paragraph": 2, "text": "Training used a large corpus."}], "retrieved": []}
    fine = {**made_up, "answer": "Training used a large corpus. [EN ¶2]"}
    refused = {**made_up, "refused": True, "citations": []}
    results = [{"id": "q", **r, "metrics": score(item, r)} for r in (made_up, fine, refused)]
    assert [r["metrics"]["unsupported_claims"] for r in results] == [["It was trained for 10 days."], [], None]
    assert summarize([item], results)["overall"]["unsupported claims (answers)"] == 1


def test_a_line_is_supported_when_a_cited_paragraph_states_it_verbatim():
    """eval.support: markers, bullets, code fences and the prompts' note lines aside; whitespace, width
    and script aside; sentences of one paragraph quoted together with one left out between them."""
    from eval.support import unsupported

    cited = ["It needs:", "Python 3.8 or later", "pip install rag\nrag ingest", "训练数据：3.0T tokens。它开源了。许可证是 MIT。",
             "One. Two. Three."]
    answer = ("It needs: [EN ¶1]\n- Python 3.8 or later [EN ¶2]\n```\npip install rag\nrag ingest\n```\n[EN ¶3]\n\n"
              "Only the Chinese version states this:\n訓練數據：３.０T tokens。 許可證是 MIT。 [ZH ¶4]\n\nOne. Three. [EN ¶5]")
    assert unsupported(answer, cited) == []
    assert unsupported("Python 3.9 or later [EN ¶2]\n- It needs: [EN ¶1]", cited) == ["Python 3.9 or later"]
    assert unsupported("One. Four. [EN ¶5]", cited) == ["One. Four."]  # each sentence must be stated
    assert unsupported("python 3.8 or later", cited) == ["python 3.8 or later"]  # case is not folded


def test_a_line_on_where_the_versions_differ_is_supported_when_its_values_are_cited():
    """The line composed from the prompts' differs_* templates quotes a value of each version: each must
    occur in a cited paragraph; the version names and the "no counterpart" line are the template's."""
    from eval.support import unsupported

    cited = ["Payment is due within 30 days.", "付款期限为 45 天内。"]
    assert unsupported("The Chinese version says 45 [ZH ¶5]; the English version says 30 [EN ¶6].", cited) == []
    assert unsupported("英文版写的是 30 [EN ¶6]；中文版写的是 45 [ZH ¶5]。", cited) == []
    assert unsupported("The Chinese version says 46 [ZH ¶5]; the English version says 30 [EN ¶6].", cited) == [
        "The Chinese version says 46; the English version says 30."]
    assert unsupported("The Chinese version has no counterpart of this paragraph [EN ¶5].", cited) == []
    dates = ["今年5月13日至15日,特朗普总统访华。", "from May this year"]
    assert unsupported("中文版寫有 5月13日, 15 [ZH ¶1]；英文版沒有寫 [EN ¶1]。", dates) == []  # listed, traditional
    assert unsupported("The Chinese version says 5月13日, 16 [ZH ¶1]; the English version does not [EN ¶1].", dates) != []
