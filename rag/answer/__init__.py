"""Answering: analyze → retrieve → units → select → compose → verdict (``pipeline.py``), and the prompts."""
