"""Linked open data publisher for the international partnerships of French communes."""

__version__ = "0.1.0"
