"""Enrich stage: what is derived from valid data, never written by hand."""
