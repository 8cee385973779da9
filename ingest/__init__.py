"""Ingest: decode, parse, align, chunk and write documents into the store."""
