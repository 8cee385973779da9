"""Answering: the question, the stages, the refuse-or-answer rules and the prompts."""
