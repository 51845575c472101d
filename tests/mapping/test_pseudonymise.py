from __future__ import annotations

import re

import pytest

from intplan.mapping.pseudonymise import is_pseudonym, pseudonym, pseudonymous_id


def test_pseudonyms_are_stable_keyed_and_ignore_case_and_spacing() -> None:
    p = pseudonym("Jane Smith", "secret")
    assert re.fullmatch(r"Staff-[0-9A-F]{6}", p)
    assert pseudonym("  jane   SMITH ", "secret") == p
    assert pseudonym("Jane Smith", "other") != p
    assert pseudonym("John Smith", "secret") != p
    assert is_pseudonym(p) and not is_pseudonym("Jane Smith")


def test_ids_are_valid_codes_and_need_a_key() -> None:
    assert re.fullmatch(r"S-[0-9A-F]{8}", pseudonymous_id("12345", "k"))
    with pytest.raises(ValueError):
        pseudonym("A", "")
