"""Select: one constrained model call that names the units answering the question, or none.

The model reads the numbered units (the asker's language first) and replies with JSON that a schema
constrains to ``{"ids": [unit numbers]}`` (llama.cpp and vLLM both take ``response_format`` with a
JSON schema), so its reply is always a choice, never prose. A server that ignores the schema still
gets its reply parsed leniently: the numbers of valid units, in order.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Sequence

from rag.answer import prompts
from rag.answer.chat import Chat
from rag.answer.units import Unit


@dataclass(frozen=True)
class Selection:
    ids: tuple[int, ...]  # the chosen unit numbers, best first; () = none answers
    raw: str = ""  # the model's reply as received


def schema(n_units: int, max_ids: int) -> dict:
    """The reply's JSON schema: up to ``max_ids`` unit numbers out of 1..n_units."""
    ids = {"type": "array", "items": {"type": "integer", "enum": list(range(1, n_units + 1))}, "maxItems": max_ids}
    return {"type": "object", "properties": {"ids": ids}, "required": ["ids"], "additionalProperties": False}


def numbered(units: Sequence[Unit]) -> str:
    """The units as the prompt lists them: ``[n] text`` (a block's paragraphs one per line)."""
    return "\n".join(f"[{u.id}] " + u.shown.replace("\n", "\n    ") for u in units)


def parse(reply: str, n_units: int, max_ids: int) -> tuple[int, ...]:
    """The unit numbers of a reply: the schema's JSON, or else any numbers in it, valid and unique."""
    try:
        data = json.loads(reply)
        raw = data.get("ids", []) if isinstance(data, dict) else data
        found = [int(x) for x in raw if isinstance(x, (int, str)) and str(x).strip().isdigit()]
    except (json.JSONDecodeError, TypeError, ValueError):
        found = [int(x) for x in re.findall(r"\d+", reply)]
    return tuple(dict.fromkeys(i for i in found if 1 <= i <= n_units))[:max_ids]


class Selector:
    """The select call; prompts come from ``rag/answer/prompts/<lang>.toml`` (``select_system``,
    ``select_user``)."""

    def __init__(self, chat: Chat, max_ids: int = 3, max_tokens: int = 24) -> None:
        self.chat = chat
        self.max_ids = max_ids
        self.max_tokens = max_tokens

    def select(self, question: str, units: Sequence[Unit], prompt_lang: str) -> Selection:
        if not units:
            return Selection(())
        p = prompts.load(prompt_lang)
        user = p["select_user"].format(units=numbered(units), question=question)
        fmt = {"type": "json_schema",
               "json_schema": {"name": "selection", "strict": True, "schema": schema(len(units), self.max_ids)}}
        reply = self.chat.complete(p["select_system"], user, max_tokens=self.max_tokens, response_format=fmt)
        return Selection(parse(reply, len(units), self.max_ids), reply)
