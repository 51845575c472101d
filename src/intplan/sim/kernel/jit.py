"""How the kernel is compiled: numba's decorators, a cache that knows the package, and
array indexing without negative-index wraparound.

numba's on-disk cache (``cache=True``) checks only the source file of the function it
compiled. :func:`intplan.sim.kernel.loop.advance` inlines handlers from other modules
of this package, so an edit to one of them would leave a stale ``advance`` in the
cache. The locators of :func:`_stamped` stamp every kernel function with a hash of all
the package's modules instead: an edit anywhere here recompiles the kernel (~20 s).

numba gives every array index of a signed type Python's meaning for negatives
(``a[-1]`` is the last item): a compare and select on the array's length at each access.
The kernel never indexes with a negative number (-1 means "none" and is tested before
use), and those selects were about a tenth of a replication's time: they sit on the
heap's critical path and keep every array's length alive in the event loop's registers.
:func:`_index_in_kernel` drops them for code compiled from this package only; numba's
own functions and any other numba code keep the wraparound.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import numba
from numba.core import caching, types
from numba.np import arrayobj

F = TypeVar("F", bound=Callable[..., Any])

_PACKAGE = Path(__file__).resolve().parent


def _package_stamp() -> str:
    """A hash of every module in this package (names and contents)."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _stamped(base: Any) -> Any:
    """numba's cache locator ``base`` for this package's functions only (others get
    numba's own), with the whole package's source as the stamp."""

    class Locator(base):  # type: ignore[misc]  # numba's classes are untyped
        kernel_package = True

        def get_source_stamp(self) -> str:
            return _package_stamp()

        @classmethod
        def from_function(cls, py_func: Any, py_file: str) -> Any:
            if Path(py_file).resolve().parent != _PACKAGE:
                return None
            return super().from_function(py_func, py_file)

    Locator.__name__ = Locator.__qualname__ = f"Kernel{base.__name__}"
    return Locator


# numba tries its locators in order (a user's NUMBA_CACHE_DIR, then __pycache__, then a
# user-wide directory); the stamped ones go first, in the same order
_LOCATORS: list[Any] = caching.CacheImpl._locator_classes
if not any(getattr(cls, "kernel_package", False) for cls in _LOCATORS):
    _LOCATORS[:0] = [
        _stamped(base)
        for base in (
            caching.UserProvidedCacheLocator,
            caching.InTreeCacheLocator,
            caching.UserWideCacheLocator,
        )
    ]

#: the mangled-name prefix of LLVM functions compiled from this package
_KERNEL_SYMBOL = "_ZN7intplan3sim6kernel"
_fix_integer_index: Callable[..., Any] = arrayobj.fix_integer_index


def _index_in_kernel(context: Any, builder: Any, idxty: Any, idx: Any, size: Any) -> Any:
    """numba's array index fix-up, without the wraparound inside the kernel's functions
    (numba calls it for every integer index it lowers)."""
    if idxty.signed and builder.function.name.startswith(_KERNEL_SYMBOL):
        return context.cast(builder, idx, idxty, types.intp)
    return _fix_integer_index(context, builder, idxty, idx, size)


arrayobj.fix_integer_index = _index_in_kernel

# cache=True: compiled once per machine, then loaded (spawned workers load, not compile)
jit = cast(Callable[[F], F], numba.njit(cache=True, nogil=True))
# the event loop runs without numba's reference counting: it allocates nothing, and the
# inlined handlers' array arguments otherwise cost an atomic increment and decrement each
# (measured: a fifth of a replication's time)
_NO_RC: dict[str, Any] = {"_nrt": False}  # numba's own flag, private to its typing stubs
jit_no_rc = cast(Callable[[F], F], numba.njit(cache=True, nogil=True, **_NO_RC))
#: small helpers and the event handlers: inlined into their caller at numba's IR level,
#: so passing the state tuples costs nothing
inline = cast(Callable[[F], F], numba.njit(cache=True, nogil=True, inline="always"))
