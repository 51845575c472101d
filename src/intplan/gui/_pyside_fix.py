"""Work around a PySide6 6.12 reference-count bug on Python 3.11.

Measured here (PySide6 6.12.0, CPython 3.11): every Python override that Qt calls
and that returns ``None``, ``True`` or ``False`` (``paintEvent``, ``data()`` for
an unused role, ``filterAcceptsRow`` ...) drops one reference too many. After
enough repaints CPython deallocates the singleton and aborts ("none_dealloc",
"bool_dealloc"). Python 3.12+ makes these singletons immortal, so the bug is
harmless there; on 3.11 we give them a huge reference count once, which is what
3.12 does by design.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 60  # far more than a session could ever leak; still < 2**63


def make_singletons_immortal() -> None:
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for obj in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(obj))  # ob_refcnt is the first field
        if refcount.value < _HEADROOM:
            refcount.value += _HEADROOM
