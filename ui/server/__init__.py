"""The HTTP API: `rag serve` (FastAPI, with the Gradio UI mounted at /ui)."""
