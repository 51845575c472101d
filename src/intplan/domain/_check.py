"""Small validators used in ``__post_init__`` of the value objects."""

from __future__ import annotations

import math
import re

from intplan.domain.errors import DomainError
from intplan.domain.limits import Limit

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


def code(field: str, value: object) -> None:
    if not isinstance(value, str) or not _CODE.match(value):
        raise DomainError(
            field,
            f"{value!r} is not a valid code (letters, digits, '_', '-', '.'; no spaces)",
        )


def text(field: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise DomainError(field, "must not be blank")


def number(
    field: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DomainError(field, f"{value!r} is not a number")
    if low is not None and (value < low or (low_open and value == low)):
        bound = f"greater than {low:g}" if low_open else f"at least {low:g}"
        raise DomainError(field, f"{value:g} is out of range: must be {bound}")
    if high is not None and value > high:
        raise DomainError(field, f"{value:g} is out of range: must be at most {high:g}")


def integer(field: str, value: object, *, low: int | None = None, high: int | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(field, f"{value!r} is not a whole number")
    number(field, value, low=low, high=high)


def choice(field: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise DomainError(field, f"{value!r} is not one of {', '.join(allowed)}")


def within(field: str, value: object, limit: Limit, *, whole: bool = False) -> None:
    """A finite number (a whole one when ``whole``) inside ``limit``'s plausible range."""
    if whole:
        integer(field, value)
    else:
        number(field, value)
    assert isinstance(value, int | float)  # checked just above
    problem = limit.problem(value)
    if problem:
        raise DomainError(field, problem)
