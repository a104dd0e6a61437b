"""Wikidata: the dated P190 reference, the live sync, and the analysis of links against both."""
