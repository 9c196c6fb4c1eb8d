"""SciPy imported for the customer-value fits without NumPy's f2py and testing modules (issue 16)."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
import numpy
all_before, dir_before = list(numpy.__all__), sorted(dir(numpy))
{setup}
import deckgen.scipy_import
from scipy.optimize import minimize
from scipy.special import gammaln
fit = minimize(lambda x: (x[0] - 3.0) ** 2, [0.0])
print(json.dumps({{
    "loaded": sorted(m for m in ("numpy.f2py", "numpy.testing", "unittest") if m in sys.modules),
    "all_kept": list(numpy.__all__) == all_before,
    "dir_kept": sorted(dir(numpy)) == dir_before,
    "minimum": round(float(fit.x[0]), 6),
    "gammaln_5": float(gammaln(5.0)),
    "testing_works": hasattr(numpy, "testing") and numpy.testing.assert_equal(1, 1) is None,
    "now_loaded": sorted(m for m in ("numpy.testing",) if m in sys.modules),
    "set_on_numpy": globals().get("set_on_numpy"),
}}))
"""


def _probe(setup: str = "") -> dict[str, object]:
    """What importing deckgen.scipy_import did, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(setup=setup)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_scipy_comes_without_f2py_and_numpys_own_lists_are_put_back() -> None:
    seen = _probe()
    assert seen["loaded"] == []  # checked before numpy.testing is first asked for below
    assert seen["all_kept"] is True
    assert seen["dir_kept"] is True
    assert seen["minimum"] == 3.0  # (x - 3)^2 is least at x = 3
    assert seen["gammaln_5"] == 3.1780538303479458  # ln(4!) = ln 24
    assert seen["testing_works"] is True  # still importable on first use, as before
    assert seen["now_loaded"] == ["numpy.testing"]


# SciPy imported first, then the names set on NumPy's module noted (a module of a subclass).
_WATCHED = """
import scipy.optimize
set_on_numpy = []
class Watched(type(numpy)):
    def __setattr__(self, name, value):
        set_on_numpy.append(name)
        super().__setattr__(name, value)
numpy.__class__ = Watched
"""


def test_a_scipy_already_imported_is_left_as_it_is() -> None:
    # SciPy's clone of NumPy was made before: nothing is hidden, nothing changes.
    seen = _probe(setup=_WATCHED)
    assert seen["set_on_numpy"] == []  # neither list hidden, not even for a moment
    assert "numpy.f2py" in seen["loaded"]
    assert seen["all_kept"] is True
    assert seen["dir_kept"] is True
    assert seen["minimum"] == 3.0
