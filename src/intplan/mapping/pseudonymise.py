"""Stable pseudonyms from a keyed hash, so a workbook can be shared without names.

HMAC-SHA256 with a key the user chooses: the same name and key always give the same
pseudonym (so re-runs and several files agree), and without the key a pseudonym cannot
be turned back into a name by hashing a list of likely names.
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "Staff-"
_DIGITS = 6  # hex digits: 16.7m values, collisions unlikely in one ICS register
_PSEUDONYM = re.compile(rf"^{PREFIX}[0-9A-F]{{{_DIGITS}}}$")


def _digest(key: str, text: str) -> str:
    return hmac.new(key.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest().upper()


def _normalise(name: str) -> str:
    return " ".join(name.casefold().split())


def pseudonym(name: str, key: str) -> str:
    """``'Jane Smith'`` -> e.g. ``'Staff-3F9A2C'`` (case and spacing do not matter)."""
    if not key:
        raise ValueError("a pseudonymisation key must not be empty")
    return PREFIX + _digest(key, "name:" + _normalise(name))[:_DIGITS]


def pseudonymous_id(identity: str, key: str) -> str:
    """A staff id that does not reveal a staff number or name (``S-`` + 8 hex digits)."""
    if not key:
        raise ValueError("a pseudonymisation key must not be empty")
    return "S-" + _digest(key, "id:" + _normalise(identity))[:8]


def is_pseudonym(name: str) -> bool:
    return bool(_PSEUDONYM.match(name))
