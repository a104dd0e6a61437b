"""Curators\x27 path: from a commune\x27s page to a draft of its Turtle, and the expectations about the data."""
