"""CJK-aware text handling: scripts, Chinese conversion, language, sentences, tokens."""
