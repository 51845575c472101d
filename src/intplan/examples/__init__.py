"""Bundled example scenarios, generated deterministically by code."""

from intplan.examples.tiny import build_tiny

__all__ = ["build_tiny"]
