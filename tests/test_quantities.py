"""The kind of quantity a question asks for, and whether an answer states one (rag.text.quantities)."""

from __future__ import annotations

import pytest

from rag.text.quantities import asked_kinds, states_kind


@pytest.mark.parametrize("question, kinds", [
    ("How many GPUs were used to train Qwen-72B, and for how many days?", ("duration",)),
    ("How long did the build2xCSS task run before it errored?", ("duration",)),
    ("中美诸多对话交流中断了多久？", ("duration",)),
    ("特朗普總統今年五月訪華是時隔幾年的國事訪問？", ("duration",)),  # traditional script
    ("Qwen-72B 的 Q-LoRA 微调需要多少小时？", ("duration",)),
    ("What percentage of the CI builds failed?", ("percent",)),
    ("How large is the tinycolor library?", ("size",)),
    ("tinycolor 这个类库的体积有多大？", ("size",)),
    ("At least how much GPU memory does Q-LoRA fine-tuning of Qwen-72B need?", ("size",)),
    ("How much does it cost to run the demo?", ("money",)),
    ("How much did the north pier repairs cost?", ("money",)),
    ("Qwen-7B 推理需要多少显存？", ("size",)),
    ("这个包的体积有多大？", ("size",)),
    ("进度条的百分比是多少？", ("percent",)),
    ("这个套餐的价格是多少？", ("money",)),
    # a word of the kind without an amount asked: how to fix a memory leak, show a percentage, use a price field
    ("内存泄漏问题如何解决？", ()),
    ("进度条如何显示百分比？", ()),
    ("价格组件怎么用？", ()),
    # a length, a size of something that is no file, an amount, a yes/no question: no kind asked
    ("How long is the context of Qwen-72B?", ()),
    ("这个问题的影响有多大？", ()),
    ("How much faster is batch inference with flash attention enabled?", ()),
    ("Qwen-72B 在多少 tokens 上进行了训练？", ()),
])
def test_the_kind_asked(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize("kind, text, stated", [
    ("duration", "The build2xCSS task ran for 126 ms before it errored.", True),
    ("duration", "It was the first state visit in nine years.", True),
    ("duration", "The visit lasted from May 13 to 15.", True),
    ("duration", "访问从13日至15日。", True),
    ("duration", "The harbor was closed from 21 February to 4 March.", True),
    ("duration", "It was closed between March 4 and March 15.", True),
    ("duration", "The rule has applied since May 2019.", True),
    ("duration", "对话交流已中断多年。", True),
    ("duration", "接下来的两年多时间里", True),
    # GPUs and a model name with digits are no duration; neither is "as" ("a" + "s")
    ("duration", "Lora fine-tuning on 4 A100-SXM4-80G GPUs, as the table shows.", False),
    ("percent", "Batch inference brings a 40% speedup.", True),
    ("percent", "生成速度会慢大约百分之二十。", True),
    ("percent", "The task often fails to build.", False),
    ("size", "The library is only about 10KB.", True),
    ("size", "显存占用 61.4GB。", True),
    ("size", "Qwen-7B and Qwen-72B are released.", False),
    ("money", "It costs $20 a month.", True),
    ("money", "Repairs to the north pier cost 2.3 million dollars.", True),  # a magnitude between
    ("money", "北码头的维修费用为230万美元。", True),
    ("money", "The repairs cost two million US dollars.", True),
    ("money", "The repairs cost USD 2.3m.", True),
    ("money", "价格为 99 元。", True),
    ("money", "It is free for 3 days.", False),
])
def test_a_quantity_of_the_kind_is_stated(kind, text, stated):
    assert states_kind(text, kind) is stated


def test_a_yes_no_question_asks_for_no_kind():
    """The question's features are read once (``analyze``): a yes/no question (``Query.polar``) asks for
    no quantity, though its words name one."""
    from rag.answer.query import analyze

    assert analyze("How long did the state visit last?").asks == ("duration",)
    for q in ("Did the state visit last how many days?", "访问是否持续了多少天？", "訪問持續了幾天嗎？"):
        assert analyze(q).polar and analyze(q).asks == (), q
