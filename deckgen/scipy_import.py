"""SciPy's optimize and special modules, imported without NumPy's Fortran wrapper generator.

SciPy 1.17 clones NumPy's namespace for its array-API layer (`scipy._lib.array_api_compat.numpy`
runs `from numpy import *`, then reads every name `dir(numpy)` lists; SciPy 1.18 moved it to
`scipy._external.array_api_compat.numpy`, which reads the same two lists), and NumPy 2 names its
lazily imported submodules in both lists: so the first import of any SciPy module imports
`numpy.f2py` (with charset_normalizer) and `numpy.testing` (with unittest), some 50-70 ms of CPU
in every render that no deck uses. SCIPY_ARRAY_API does not change this: the clone is made
either way. Importing this module imports scipy.optimize and scipy.special with those two names
hidden from NumPy's `__all__` and `__dir__` while SciPy's layer is first built; they are put
back at once and stay importable (`numpy.testing` on first use, as before). Only SciPy's private
clone lacks them, and SciPy reads neither from it outside its test helpers.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

import numpy

SPARED = ("f2py", "testing")  # the NumPy submodules no deck needs, kept out of SciPy's clone
_SCIPY_MODULES = ("scipy.optimize", "scipy.special")
# Where SciPy clones NumPy's namespace: SciPy 1.17, then 1.18 on.
_CLONES = ("scipy._lib.array_api_compat.numpy", "scipy._external.array_api_compat.numpy")


def import_scipy() -> None:
    """Import scipy.optimize and scipy.special, sparing NumPy's f2py and testing submodules when
    SciPy's clone of NumPy is yet to be made (else a plain import)."""
    names = numpy.__dict__.get("__all__")
    listing = numpy.__dict__.get("__dir__")
    made = any(clone in sys.modules for clone in _CLONES)
    if made or not isinstance(names, list) or not callable(listing):
        _import(_SCIPY_MODULES)  # a NumPy laid out otherwise keeps its own lists
        return
    numpy.__all__ = [name for name in names if name not in SPARED]
    numpy.__dir__ = _without_spared(listing)  # type: ignore[method-assign]
    try:
        _import(_SCIPY_MODULES)
    finally:
        numpy.__all__ = names
        numpy.__dir__ = listing  # type: ignore[method-assign]


def _without_spared(listing: Callable[[], list[str]]) -> Callable[[], list[str]]:
    return lambda: [name for name in listing() if name not in SPARED]


def _import(names: tuple[str, ...]) -> None:
    for name in names:
        importlib.import_module(name)


import_scipy()
