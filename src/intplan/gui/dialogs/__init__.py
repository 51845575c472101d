"""Dialogs: problems in a file, about, register column mapping, FTE shares."""
