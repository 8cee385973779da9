from __future__ import annotations

import math

from rag.index.lexical import BM25Index


def _reference(docs, query, k1=1.5, b=0.75):
    n = len(docs)
    avg = sum(map(len, docs)) / n
    out = []
    for d in docs:
        s = 0.0
        for t in set(query):
            df = sum(1 for x in docs if t in x)
            if not df or t not in d:
                continue
            tf = d.count(t)
            idf = math.log((n - df + 0.5) / (df + 0.5) + 1)
            s += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(d) / avg))
        out.append(s)
    return out


def test_bm25_matches_the_formula():
    docs = [["中美", "关系", "稳定"], ["对话", "对话", "核"], ["trust"], ["中美", "对话", "trust", "trust"]]
    idx = BM25Index(docs)
    ref = _reference(docs, ["对话", "trust"])
    got = dict(idx.top(["对话", "trust"], 10))
    for i, s in enumerate(ref):
        if s > 0:
            assert abs(got[i] - s) < 1e-4
        else:
            assert i not in got
    assert [i for i, _ in idx.top(["对话", "trust"], 2)] == sorted(range(4), key=lambda i: -ref[i])[:2]


def test_empty_and_unknown():
    assert BM25Index([]).top(["x"], 3) == []
    assert BM25Index([["a"]]).top(["zzz"], 3) == []


def test_idf_is_highest_for_a_word_no_chunk_has():
    from rag.index.lexical import BM25Index

    idx = BM25Index([["harbor", "fee"], ["harbor", "boat"], ["harbor", "crane"]])
    assert idx.idf("harbor") < idx.idf("fee") < idx.idf("climate")


def test_the_documents_holding_a_token():
    idx = BM25Index([["a", "b"], ["b"], []])
    assert list(idx.holders("b")) == [0, 1] and list(idx.holders("a")) == [0] and not len(idx.holders("z"))


def test_the_words_of_a_documents_name():
    from rag.index.retrieve import name_words

    assert name_words("contributor_covenant.code-of-conduct-2.1") == {"contributor", "covenant", "code", "conduct", "2.1"}
    assert {"贡献者", "公约", "4.0.3"} <= name_words("《貢獻者公約》4.0.3 版") and "版" not in name_words("《貢獻者公約》4.0.3 版")
