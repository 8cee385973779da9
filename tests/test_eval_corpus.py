"""The real corpus's pairs and split (eval/real_corpus.py), over a small corpus written here and over
the real one when it is beside the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.real_corpus import pairs, split_names, split_pairs
from rag.errors import InputError
from rag.settings import Settings

SPLIT_MD = """# Split

Rules, with a table that is not a split:

| pair | format |
|---|---|
| nowhere/else | md |

## dev (2)

| pair | format | script |
|---|---|---|
| alpha/faq | md | zh |
| beta/faq | md | zh-Hant |

## test (1): final measurement only

| pair | format | script |
|---|---|---|
| gamma/notes | txt | zh |

## Balance

| | dev | test |
|---|---|---|
| Markdown | 2 | 0 |
"""

# each version two paragraphs and a heading; alpha and beta state different ports
FILES = {
    "alpha/faq.en.md": "# Alpha FAQ\n\nAlpha listens on port 8000 by default.\n\nAlpha was released in 2019.\n",
    "alpha/faq.zh.md": "# Alpha 常见问题\n\nAlpha 默认监听 8000 端口。\n\nAlpha 于 2019 年发布。\n",
    "beta/faq.en.md": "# Beta FAQ\n\nBeta listens on port 9100 by default.\n\nBeta is written in Rust.\n",
    "beta/faq.zh-Hant.md": "# Beta 常見問題\n\nBeta 預設監聽 9100 連接埠。\n\nBeta 以 Rust 撰寫。\n",
    "gamma/notes.en.txt": "Gamma notes\n\nGamma keeps three copies of every file.\n\nGamma runs on Linux only.\n",
    "gamma/notes.zh.txt": "Gamma 说明\n\nGamma 为每个文件保留三份副本。\n\nGamma 只在 Linux 上运行。\n",
    "gamma/lonely.en.md": "# Only English\n\nNo Chinese version.\n",
}


def write_corpus(root: Path) -> Path:
    for name, text in FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "SPLIT.md").write_text(SPLIT_MD, encoding="utf-8")
    return root


def test_pairs_take_traditional_files_and_get_one_id_each(tmp_path):
    found = pairs(write_corpus(tmp_path))
    assert [p.pair for p in found] == ["alpha/faq", "beta/faq", "gamma/notes"]  # lonely.en.md has no pair
    assert [p.doc_id for p in found] == ["alpha.faq", "beta.faq", "gamma.notes"]  # two faq pairs, two ids
    assert [(p.format, p.script) for p in found] == [("md", "zh"), ("md", "zh-Hant"), ("txt", "zh")]
    assert found[1].zh.name == "faq.zh-Hant.md"


def test_the_split_is_the_table_under_its_heading(tmp_path):
    root = write_corpus(tmp_path)
    assert split_names(root / "SPLIT.md", "dev") == ["alpha/faq", "beta/faq"]
    assert [p.pair for p in split_pairs("test", root)] == ["gamma/notes"]
    with pytest.raises(InputError, match="unknown split"):
        split_names(root / "SPLIT.md", "train")
    (root / "SPLIT.md").write_text(SPLIT_MD.replace("gamma/notes", "gamma/gone"), encoding="utf-8")
    with pytest.raises(InputError, match="gamma/gone"):
        split_pairs("test", root)


REAL = Settings().eval_corpus


@pytest.mark.skipif(not (REAL / "SPLIT.md").exists(), reason="../shared/corpus/real is not here")
def test_the_real_split_names_every_pair_once():
    every = {p.pair for p in pairs(REAL)}
    dev, test = ({p.pair for p in split_pairs(s, REAL)} for s in ("dev", "test"))
    assert dev | test == every and not dev & test
    assert len({p.doc_id for p in pairs(REAL)}) == len(every) >= 40
    assert {"letsencrypt/faq", "vuejs_docs/faq"} <= every
