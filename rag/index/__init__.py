"""Index: embeddings, the vector store, lexical search and retrieval."""
