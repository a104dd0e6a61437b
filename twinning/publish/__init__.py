"""Publish stage: dumps, catalogue, VoID, CSV and the HTML site, written aside and swapped into place."""
