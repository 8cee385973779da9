"""A question asking one language's word for another's ("What Chinese name does the Chinese README
give Qwen?") is answered with the pair a paragraph writes side by side ("Qwen（通义千问）"), verbatim
and cited, without a model call (``rag.answer.glossary``, rule ``rendering``)."""

from __future__ import annotations

import pytest

from ingest.indexer import indexer_for
from rag.text.chinese import fold
from rag.text.renderings import Rendering, named_side, renderings
from rag.text.versions import asked_word_language, named_version
from tests.conftest import state_after


@pytest.mark.parametrize(
    "text, pairs",
    [
        ("我们开源了Qwen（通义千问）系列工作", [("Qwen", "通义千问", "Qwen（通义千问）")]),
        ("大家好，我是 Redjue（红果汁），很荣幸", [("Redjue", "红果汁", "Redjue（红果汁）")]),
        ("我是 kiner-tang(文辉)", [("kiner-tang", "文辉", "kiner-tang(文辉)")]),
        ("Demo\nWeChat (微信) | Discord", [("WeChat", "微信", "WeChat (微信)")]),
        # a Latin gloss after Han words: about two characters per English word, by jieba's words
        ("2023年9月25日 在魔搭社区（ModelScope）推出", [("ModelScope", "魔搭社区", "魔搭社区（ModelScope）")]),
        ("该接口也支持函数调用（Function Calling）", [("Function Calling", "函数调用", "函数调用（Function Calling）")]),
        ("加强建立信任措施(CBM)", [("CBM", "建立信任措施", "建立信任措施(CBM)")]),
        ("## 系统指令 (System Prompt)", [("System Prompt", "系统指令", "系统指令 (System Prompt)")]),
        (
            "通过色相（Hue）、饱和度（Saturation）、明度（Value）来表示",
            [("Hue", "色相", "色相（Hue）"), ("Saturation", "饱和度", "饱和度（Saturation）"), ("Value", "明度", "明度（Value）")],
        ),
        # numbers, notes, lists and same-script brackets are not renderings
        ("参数规模为18亿（1.8B）、70亿（7B）", []),
        ("欢迎加入Discord server（入口见文档开头部分）", []),
        ("三原色（红、绿、蓝）和三元组 (R, G, B)", []),
        ("the visit (which lasted three days) ended", []),
        ("一次访问（为期三天）", []),
    ],
)
def test_the_pairs_a_text_writes_side_by_side(text, pairs):
    assert [(r.latin, r.han, r.phrase) for r in renderings(text)] == pairs


def test_the_side_a_question_names():
    qwen = Rendering("Qwen", "通义千问", "Qwen（通义千问）")
    approve = renderings("并至少有一个维护人员接受（Approve）这一次的 PR")[0]
    assert named_side(qwen, fold("Which Chinese name does the README give the Qwen series?"), "en") == "Qwen"
    assert named_side(qwen, fold("What Chinese name does it give qwen?"), "en") == "Qwen"  # any case
    assert named_side(qwen, fold("What Chinese name does it give Qwen-7B?"), "en") is None  # a whole word
    assert named_side(qwen, fold("“通义千问”的英文名是什么？"), "zh") == "通义千问"
    assert named_side(qwen, fold("“千问”的英文名是什么？"), "zh") is None  # a bracketed side, whole
    assert named_side(approve, fold("“接受”一词对应的英文是什么？"), "zh") == "接受"  # the end of the Han words before it
    assert named_side(approve, fold("What English word renders 接受?"), "en") is None
    heading = Rendering("RGB Color Model", "RGB 色彩模型", "RGB 色彩模型", whole=True)  # a heading: named whole
    assert named_side(heading, fold("What does the Chinese version call the HSV color model?"), "en") is None
    assert named_side(heading, fold("What does the Chinese version call the RGB color model?"), "en") == "RGB Color Model"


@pytest.mark.parametrize(
    "question, lang",
    [
        ("What Chinese name does the Chinese Qwen README use for ModelScope?", "zh"),
        ("颜色选择器文章里，Saturation 的中文是什么？", "zh"),
        ("“接受”一词对应的英文是什么？", "en"),
        ("What is the Chinese for hue?", "zh"),
        ("What does the Chinese README call Function Calling?", "zh"),  # the version named, with a naming verb
        ("阿里云的 DashScope 服务在中文版 README 里叫什么？", "zh"),
        ("What does the Chinese README say about Function Calling?", None),  # a version, but no word asked for
        ("What is DashScope?", None),
        ("中文版是什么时候发布的？", None),
    ],
)
def test_the_language_of_the_word_a_question_asks_for(question, lang):
    assert asked_word_language(question) == lang


def test_asking_a_word_of_a_language_names_that_version_only_where_it_did():
    assert named_version("颜色选择器文章里，Saturation 的中文是什么？") == "zh"
    assert named_version("What is the English for 红线?") == "en"
    assert named_version("What is DashScope?") is None


EN_MD = """# Models

We open-source the Qwen series, a family of language models.

## Platforms

The models are published on ModelScope and Hugging Face.

## API

Fine-tuning methods include LoRA ([paper](https://arxiv.org/abs/2106.09685)) and Q-LoRA ([paper](https://arxiv.org/abs/2305.14314)).
"""
ZH_MD = """# 模型

我们开源了**Qwen**（通义千问）系列工作，这是一组语言模型。

## 平台

模型发布在魔搭社区（ModelScope）和 Hugging Face 上。

## API

微调方法有 LoRA（论文）和 Q-LoRA（论文）。
"""


def _pair_app(settings, tmp_path, replies: list[str], **update):
    from rag.compose import App
    from rag.index.embedder import FakeEmbedder
    from rag.llm import FakeBackend

    (tmp_path / "models.en.md").write_text(EN_MD, encoding="utf-8")
    (tmp_path / "models.zh.md").write_text(ZH_MD, encoding="utf-8")
    backend = FakeBackend(replies)
    settings = settings.model_copy(update={"refuse_below": 0.0, **update})  # the fake embedder's similarities are low
    app = App(settings, embedder=FakeEmbedder(), chat_backend=backend)
    indexer_for(app).write([indexer_for(app).prepare_pair(tmp_path / "models.en.md", tmp_path / "models.zh.md", "models")], progress=False)
    return app, backend


@pytest.fixture
def pair_app(settings, tmp_path):
    return _pair_app(settings, tmp_path, ["YES", "The Qwen series is called Qwen [ZH ¶2]."])


@pytest.mark.parametrize(
    "question, asked, label",
    [
        ("Which Chinese name does the Chinese version give the Qwen series?", "通义千问", "ZH ¶2"),
        ("ModelScope 在中文版里叫什么？", "魔搭社区", "ZH ¶4"),
        ("“通义千问”的英文名是什么？", "Qwen", "ZH ¶2"),
        # the word asked about is the last name the question mentions
        ("What Chinese name does the Chinese Qwen guide use for ModelScope?", "魔搭社区", "ZH ¶4"),
    ],
)
def test_a_question_for_a_word_is_answered_with_the_pair_verbatim(pair_app, question, asked, label):
    app, backend = pair_app
    state = state_after(app, question, last="finish", k=2)
    a = state.answer
    assert a is not None and not a.refused and a.verdict.rule == "rendering"
    assert f"“{asked}”" in a.text and f"[{label}]" in a.text
    assert [c.label for c in a.citations] == [label] and state.rendering.paragraph.label == label
    assert a.citations[0].text == app.store.get_document("models").get("zh", int(label.split("¶")[1])).text
    assert backend.llm.calls == []  # the document's own words: no model call


def test_a_heading_asked_for_in_the_other_version_is_its_aligned_heading(pair_app):
    app, backend = pair_app
    q = "In the Chinese version, what is the heading of the section the English version calls Platforms?"
    a = state_after(app, q, last="finish", k=2).answer
    assert a.verdict.rule == "rendering" and backend.llm.calls == []
    assert a.text == "The Chinese version's heading for “Platforms” [EN ¶3] is “平台” [ZH ¶3]."
    assert [c.label for c in a.citations] == ["EN ¶3", "ZH ¶3"]
    a = state_after(app, "“平台”这一节在英文版中的标题叫什么？", last="finish", k=2).answer
    assert a.text == "“平台”[ZH ¶3]在英文版中的标题是“Platforms”[EN ¶3]。"


@pytest.mark.parametrize(
    "question",
    [
        "Which Chinese name does the Chinese version give Hugging Face?",  # no pair names it
        "What Chinese name does the Chinese Qwen guide give to Hugging Face?",  # another name after Qwen
        "What does the Chinese version call LoRA?",  # 论文 ("paper") glosses two words: a note, not a name
        "What is the Chinese heading of the API section?",  # API / API: a heading not translated
        "Which Chinese name does the Chinese version give Qwen, and where is it published?",  # more than a word
        "What does the Chinese version say about the Qwen series?",  # no word asked for
    ],
)
def test_other_questions_go_to_the_model(pair_app, question):
    app, _ = pair_app
    state = state_after(app, question, last="finish", k=2)
    assert state.verdict is not None and state.verdict.rule != "rendering"


def test_the_setting_switches_it_off(settings, tmp_path):
    app, _ = _pair_app(settings, tmp_path, ["YES", "It is called 通义千问 [ZH ¶2]."], answer_renderings=False)
    state = state_after(app, "Which Chinese name does the Chinese version give the Qwen series?", last="finish", k=2)
    assert state.verdict.rule != "rendering" and state.rendering is None
