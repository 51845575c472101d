"""Work around a PySide6 6.12 reference-count bug on Python 3.11.

Measured here (PySide6 6.12.0, CPython 3.11): every Python override that Qt calls
and that returns ``None`` (``paintEvent``, ``data()`` for an unused role, ...)
drops one reference to ``None`` too many. After enough repaints CPython
deallocates ``None`` and aborts ("none_dealloc"). Python 3.12+ makes ``None``
immortal, so the bug is harmless there; on 3.11 we give ``None`` a huge
reference count once, which is what 3.12 does by design.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 60  # far more than a session could ever leak; still < 2**63


def make_none_immortal() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt is the first field
    if refcount.value < _HEADROOM:
        refcount.value += _HEADROOM
