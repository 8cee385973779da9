"""Claims an answer states, and whether the cited paragraph states them (the eval's unsupported-claims count)."""

from __future__ import annotations

import pytest

from rag.answer.claims import claims, unsupported_claims


def test_numbers_and_names_of_a_sentence_without_its_markers():
    got = [(c.text, c.kind) for c in claims("It was trained on 6 GPUs for about 1,350 hours [ZH ¶23].")]
    assert got == [("6", "number"), ("1350", "number"), ("GPUs", "name")]
    assert [c.text for c in claims("服务监听８０００端口[ZH ¶12]。")] == ["8000"]  # full-width digits
    assert [c.text for c in claims("The model is fast. It runs on Qwen-7B.")] == ["Qwen-7B"]  # openers are not names


@pytest.mark.parametrize(
    "answer, cited, bad",
    [
        ("It was trained on 6 GPUs for approximately 10 days [ZH ¶23].", {("zh", 23): "我们使用了高质量的数据。"},
         ["6", "10"]),  # "GPUs" cannot be checked against a paragraph that writes no Latin words
        ("It was trained on 6 GPUs [EN ¶23].", {("en", 23): "We trained it on high quality data."}, ["6", "GPUs"]),
        ("The bundle is 100 kilobytes smaller [EN ¶51].", {("en", 51): "Performance"}, ["100"]),
        ("文章发表于2026年6月22日[EN ¶0]。", {("en", 0): "Date: June 22, 2026"}, []),
        ("Qwen-7B needs 16.2GB [EN ¶5].", {("en", 5): "Model: Qwen-7B | BF16: 16.2GB"}, []),
        ("服务监听 8000 端口[ZH ¶12]。", {("zh", 12): "默认端口为8,000。"}, []),
        ("FastChat serves it [EN ¶3]. It listens on 8000.", {("en", 3): "FastChat", ("en", 4): "port 8000"}, []),
        ("FastChat serves it on 8000 [EN ¶3].", {("en", 3): "FastChat", ("en", 4): "port 8000"}, ["8000"]),
        ("It was caused by a file named custom.css [EN ¶14].", {("en", 14): "style.css held everything twice."}, ["custom.css"]),
        ("Use column.shouldCellUpdate [ZH ¶9].", {("zh", 9): "你可以通过 column.shouldCellUpdate 来控制单元格的渲染。"}, []),
        # a short English heading is Latin text: the names it lacks are counted (real-20, build-ghost)
        ("It came from the inclusion of a file named custom.css by Vite [EN ¶14].", {("en", 14): "Duplicated Content"},
         ["custom.css", "Vite"]),
        # a file name is written the same in a Chinese paragraph: it can be checked there
        ("它来自 custom.css 文件 [ZH ¶14]。", {("zh", 14): "重复的内容"}, ["custom.css"]),
        # a Latin name is supported as the pinyin of a Han name its paragraph writes (real-43), a made-up one is not
        ("Its Chinese name is 通义千问 (Tongyi Qianwen) [ZH ¶3].", {("zh", 3): "Qwen（通義千問）系列 is a family of LLMs"},
         ["Chinese"]),
        ("Its Chinese name is Tongyi Wanxiang [ZH ¶3].", {("zh", 3): "Qwen（通义千问）系列 is a family of LLMs"},
         ["Chinese", "Wanxiang"]),
        # one syllable is too little to tell a romanised name from a chance reading (网 "Wang")
        ("It was written by Wang [ZH ¶3].", {("zh", 3): "Qwen 网站 is a family of LLMs"}, ["Wang"]),
    ],
)
def test_a_claim_is_supported_only_by_the_text_its_sentence_cites(answer, cited, bad):
    assert [c.text for c in unsupported_claims(answer, cited)] == bad


def test_what_cannot_be_checked_is_not_counted():
    zh = {("zh", 1): "这是美国总统时隔九年再次对中国进行国事访问。"}
    assert unsupported_claims("Trump visited China after 9 years [ZH ¶1].", zh) == []  # 九 = 9; Latin names vs Chinese text
    assert [c.text for c in unsupported_claims("Trump visited after 8 years [ZH ¶1].", zh)] == ["8"]
    en = {("en", 3): "The summits are held in the two countries."}
    q = "Where is the G20 summit held?"
    assert unsupported_claims("The G20 summit is held in the two countries [EN ¶3].", en, q) == []  # the question's name
    assert [c.text for c in unsupported_claims("It is held in Japan [EN ¶3].", en, q)] == ["Japan"]


def test_a_marker_opening_a_sentence_belongs_to_the_one_before():
    cited = {("en", 1): "Trump paid a state visit.", ("en", 3): "Xi Jinping is expected to visit Washington."}
    answer = "> The article says: “Trump paid a state visit.” [EN ¶1]\n> The article says: “Xi Jinping is expected to visit Washington.” [EN ¶3]"
    assert unsupported_claims(answer, cited) == []


@pytest.mark.parametrize(
    "answer, cited, bad",
    [
        # a garbled quotation of the cited name is a claim the paragraph does not hold
        ('He gives the nickname "Red果汁" [ZH ¶1].', {("zh", 1): "大家好，我是 [Redjue（红果汁）](https://github.com/Redjue)"},
         ["Red果汁"]),
        ('He gives the nickname “红果汁” [ZH ¶1].', {("zh", 1): "大家好，我是 [Redjue（红果汁）](https://github.com/Redjue)"}, []),
        # word for word, whatever the spacing, punctuation and script
        ('It calls this "the most intuitive strategy" [EN ¶5].', {("en", 5): "This is the most intuitive strategy, all nodes"}, []),
        ('It calls this "the most natural strategy" [EN ¶5].', {("en", 5): "This is the most intuitive strategy, all nodes"},
         ["the most natural strategy"]),
        ("文中称之为「勾選傳導」[ZH ¶2]。", {("zh", 2): "这篇文章会介绍 antd 中，勾选传导的逻辑。"}, []),
        # Latin words quoted from a Chinese paragraph cannot be checked against it (it is the model's translation)
        ('中文版说这是 "check conduction" [ZH ¶2]。', {("zh", 2): "勾选传导的逻辑"}, []),
    ],
)
def test_words_in_quotation_marks_must_be_the_cited_texts_own(answer, cited, bad):
    assert [c.text for c in unsupported_claims(answer, cited)] == bad


def test_a_quotation_of_the_questions_own_words_is_not_the_answers_claim():
    answer = "勾选传导翻译为“勾选传导” [ZH ¶24]。"
    assert unsupported_claims(answer, {("zh", 24): "勾选的逻辑"}, question="英文版把“勾选传导”译作什么？") == []
