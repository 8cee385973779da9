"""Numbers however they are written (rag.text.numerals) and names in any form (rag.text.names)."""

from __future__ import annotations

import pytest

from rag.text.names import Name, names, written
from rag.text.numerals import readable, stated, zh_numeral_value


@pytest.mark.parametrize("run, value", [
    ("一千三百五十", 1350), ("两", 2), ("十三", 13), ("二十", 20), ("一百零五", 105), ("二〇二三", 2023),
    ("240万", 2_400_000), ("3万亿", 3e12), ("18亿", 1.8e9), ("一亿两千万", 1.2e8), ("一百万", 1e6),
])
def test_chinese_numerals(run, value):
    assert zh_numeral_value(run) == value


def test_a_magnitude_alone_is_no_number():
    assert zh_numeral_value("万") is None and zh_numeral_value("千万") is None


def values(text: str) -> set[str]:
    return {n.value for n in stated(text)}


@pytest.mark.parametrize("en, zh", [
    ("Up to 1,152 consecutive failures", "最多可连续验证失败 1152 次"),
    ("It costs 1350 dollars", "费用为一千三百五十美元"),
    ("trained on 3 trillion tokens", "训练了3万亿token"),
    ("with over 1.5 million users", "拥有超过 150 万用户"),
    ("an 8-billion parameter model", "80亿参数的模型"),
    ("Qwen-1.8B (1.8B parameters)", "参数规模为18亿（1.8B）"),
    ("shipped in July 2022", "在 2022 年 7 月发布"),
    ("Matz, May 12th, 2000", "Matz 于 2000 年 5 月 12 日"),
    ("[2023.10.17] We release", "2023年10月17日 我们推出了"),
    ("released in May", "5 月发布"),
    ("a 30% speedup", "提速百分之三十"),
    ("within 5 days", "在 5 天内"),
    ("five dimensions of capabilities", "五大能力维度"),
    ("four more certificates", "再申请四份证书"),
    ("The twelve-factor app", "12-Factor 应用"),
    ("Now more than 3x faster", "快 3 倍以上"),
])
def test_the_same_number_written_another_way(en, zh):
    assert values(en) <= readable(zh), (values(en), readable(zh))
    assert values(zh) <= readable(en), (values(zh), readable(en))


@pytest.mark.parametrize("en, zh", [
    ("[2024.07.03] We release InternLM2.5-7B", "[2024.06.30] 我们发布了 InternLM2.5-7B"),
    ("Vue 2.7, which was shipped in July 2022", "Vue 2 在 2022 年 6 月发布了最后一个小版本 (2.7)"),
    ("the default is 8", "默认值为 16"),
    ("trained on 2.2T tokens", "训练了 2.4T tokens"),
])
def test_a_changed_number_is_seen(en, zh):
    assert not values(en) <= readable(zh) or not values(zh) <= readable(en)


@pytest.mark.parametrize("text", [
    "InternLM3 supports x86_64 and Python3.12 (#60376) ^1",  # digits inside names and references
    "1. Correction",  # an enumerator
    "一、督促",
    "（1）英文 Glossary 的审核者和（2）本地化团队的审核者",
    "统一、一些、十分重要、一个、万物",  # numerals inside words, and the article 一
    "万一出错，千万不要重试",  # 万一 (in case), 千万 (by all means): a numeral does not open with 百, 千, 万 or 亿
])
def test_numbers_that_are_not_stated(text):
    assert values(text) == set()


def test_readable_includes_words_months_and_digits_in_names():
    seen = readable("twelve-factor, five dimensions, in May, InternLM3, 一个")
    assert {"12", "5", "date:--05", "3", "1"} <= seen


def names_of(text: str, lang: str, kind: str = "prose") -> dict[str, str]:
    return {n.text: n.kind for n in names(text, lang, kind)}


def test_code_names_and_word_names():
    en = names_of("Lightweight tools such as Docker and Vagrant; see @ant-design/cssinjs, show_source and "
                  "https://github.com/QwenLM/Qwen. Please use Qwen-7B, MDN or DashScope.", "en")
    assert en["@ant-design/cssinjs"] == en["show_source"] == en["https://github.com/QwenLM/Qwen"] == "code"
    assert en["Qwen-7B"] == "code"
    assert en["Docker"] == en["Vagrant"] == en["MDN"] == en["DashScope"] == "word"
    assert "Lightweight" not in en and "Please" not in en  # a sentence's first word is no name


def test_chinese_text_names_every_latin_word_but_plain_lower_case():
    zh = names_of("微信群和Discord server（入口见文档开头部分），支持 Web 和 APP，hash 值", "zh")
    assert set(zh) == {"Discord", "Web", "APP"}


@pytest.mark.parametrize("name, kind, text", [
    ("x86-64", "code", "RJIT 仅支持 x86_64 架构"),
    ("Long Context", "word", "评测集: LongContext"),
    ("annotations", "code", "Service 的 annotation 与 label"),
    ("JavaScript", "word", "用 Vue 的时候应该选 JS 还是 TS？"),
    ("TS", "word", "Should I use JavaScript or TypeScript with Vue?"),
    ("NPM", "word", "libraries from the Node Package Manager"),
    ("avatarWe", "code", "avatar我们已经删除了Node.js的CLA。"),  # an image's alt text glued to the sentence
    ("WeChat", "word", "加入我们的微信群"),
    ("Weibo", "word", "腾讯、微博、哔哩哔哩"),
    ("DM-master", "code", "DM-Master 与 DM-worker"),
    ("aScope", "word", "语言子标签的 Scope 字段"),  # "has aScope field": the article glued to a bold field name
    ("K8s", "code", "在 Kubernetes 集群中"),  # a numeronym and its word
    ("Kubernetes", "word", "K8s 集群"),
    ("i18n", "code", "internationalization"),
    ("C.17", "code", "#: C.17 | 说明: 验证是否启用了芯片制造商提供的知识产权保护技术。"),  # a short name with a dot: one word
])
def test_a_name_written_another_way(name, kind, text):
    assert written(Name(name, kind), text)


@pytest.mark.parametrize("name, kind, text", [
    ("Docker", "word", "结合像 Vagrant 这样轻量的虚拟环境"),
    ("Qwen-Chat", "code", "how to use Qwen-7B with ModelScope"),
    ("internlm2_5-1_8b-chat", "code", "ModelScope(HF): internlm2_5-1_8b"),
    ("TS", "word", "tests and tools"),
    ("K8s", "code", "Kubelets"),
    ("C.17", "code", "#: C.18 | C 17"),
])
def test_a_name_not_written(name, kind, text):
    assert not written(Name(name, kind), text)


def test_a_version_at_a_sentence_end_and_a_major_version_are_versions():
    assert [n.value for n in stated("Shown by default since 4.1.0. You can turn it off.")] == ["v:4.1.0"]
    assert [n.value for n in stated("vite 从 3.x 升级到了 5.x。")] == ["v:3.x", "v:5.x"]
    assert [n.value for n in stated("Released on 2022-07-01.")] == ["date:2022-07-01"]
    assert not stated("1.Introduction") and [n.value for n in stated("Build 4.1.0.2 failed")] == ["v:4.1.0.2"]


def test_a_sentence_end_glued_to_the_next_sentence_is_no_name():
    """W3C's page writes "Think about letter-case.By convention, …" (a heading run into its text)."""
    assert names_of("Think about letter-case.By convention, primary language subtags are lowercase.", "en") == {}
    assert names_of("The release expands the field.PaddlePaddle 3.0 brings parallelism.", "en") == {"PaddlePaddle": "word"}
    assert names_of("client = openai.Client()", "en", "code") == {"openai.Client": "code"}


def test_an_address_ends_where_chinese_text_begins():
    """Qwen's README: "https://github.com/QwenLM/Qwen中的源代码采用Apache 2.0协议授权" (no space after the URL)."""
    assert names_of("https://github.com/QwenLM/Qwen中的源代码采用Apache 2.0协议授权。", "zh")["https://github.com/QwenLM/Qwen"] == "code"
    assert names_of("见 https://a.example/c，以及 www.example.org。", "zh") == {"https://a.example/c": "code", "www.example.org": "code"}


def test_an_everyday_english_word_on_its_own_is_no_name():
    """A capitalised everyday word (frequent in pyspellchecker's English list) is one a translation
    writes in its own language; a rarer word, or everyday words in a capitalised row, may be a name."""
    text = "Menus list languages in Japanese and French, served over the Internet by Docker on Hugging Face."
    found = [n.text for n in names(text, "en")]
    assert "Japanese" not in found and "French" not in found and "Internet" not in found, found
    assert "Docker" in found and {"Hugging", "Face"} <= set(found), found
    assert [n.text for n in names("网页以 Japanese 显示。", "zh")] == ["Japanese"]  # Latin in Chinese text


def test_the_shipped_everyday_words_are_the_word_lists():
    """rag/text/data/everyday_en.txt is pyspellchecker's list cut at COMMON_FREQUENCY, written out so
    that no command reads the whole list (a quarter of a second)."""
    from rag.text import data_lines
    from rag.text.names import EVERYDAY, everyday_words

    shipped = list(data_lines("rag.text", EVERYDAY))
    assert shipped == everyday_words() and "internet" in shipped and "docker" not in shipped


def test_a_numeral_that_opens_a_word_states_no_number():
    """三元组 ("triple"), 十六进制 ("hexadecimal"), 二次开发 ("further development"): jieba's dictionary
    has the longer word, tagged no numeral; 三个月, 十年, 第三代 still state theirs. "Both", "a pair" and
    "a decade" read as the numbers they mean."""
    for text in ("颜色用一个三元组表示", "用十六进制数表示", "可以进行二次开发"):
        assert stated(text) == [], text
    assert [n.value for n in stated("三个月后，过去十年，第三代")] == ["3", "10", "3"]
    assert {"2", "10"} <= readable("Both scripts, over the last decade")


def test_a_vague_chinese_amount_states_no_number_and_over_n_keeps_its_scale():
    """数十亿 "billions", 每天数十次 "dozens of times", 十几个 "a dozen or so" state no number (the 数 of
    参数 is no such word); 50多亿 "over 5 billion" is 5 billion, as the English says it."""
    for text in ("数十亿用户名", "每天数十次", "十几个版本", "几百个"):
        assert stated(text) == [], text
    assert [n.value for n in stated("50多亿用户名和五十多万人")] == ["5000000000", "500000"]
    assert [n.value for n in stated("函数的参数三个")] == ["3"]  # 数 ends the word 参数: no vague 数
    assert "5000000000" in readable("over 5 billion usernames")
