"""Bilingual document QA: the core (types, settings, models, retrieval, answering)."""

__version__ = "0.1.0"
