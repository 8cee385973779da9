"""Prompts are data: one TOML file per answer language."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=4)
def load(lang: str) -> dict[str, str]:
    """Prompt texts for 'en' or 'zh' (traditional Chinese uses 'zh' and is converted after)."""
    name = "en" if lang == "en" else "zh"
    with resources.files(__package__).joinpath(f"{name}.toml").open("rb") as f:
        return tomllib.load(f)
