"""Digit tests reproduce recorded outputs to the last bit.

``tests/digits_golden.json`` holds every scalar field, every array and every
table cell of the public digit functions on small seeded synthetic elections,
recorded with ``python -m tests.test_digits_golden``. A change that moves any
number, even in the last place, fails here; record again only when a change is
meant to move numbers, and say which.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from forensics import digits
from tests.test_simulate import make_template

GOLDEN = Path(__file__).with_name("digits_golden.json")
_SKIP = {"seconds_per_resample"}  # wall time


def _plain(x: Any) -> Any:
    """A JSON-ready copy in which floats keep every bit (as hex strings)."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return float(x).hex()
    if isinstance(x, str) or x is None:
        return x
    if isinstance(x, np.ndarray):
        return [_plain(v) for v in x.ravel().tolist()]
    if isinstance(x, pd.DataFrame):
        return {c: [_plain(v) for v in x[c].tolist()] for c in x.columns}
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    raise TypeError(type(x))


def _result(r: Any) -> dict:
    out = {"type": type(r).__name__}
    for name in r.__dataclass_fields__:
        if name not in _SKIP:
            out[name] = _plain(getattr(r, name))
    return out


def _kw(func: Any, **kw: Any) -> dict:
    """Keyword names as ``func`` spells them (the recording may predate a rename)."""
    import inspect

    params = inspect.signature(func).parameters
    old = {"n_resamples": "n_boot", "confidence_level": "confidence"}
    return {k if k in params else old[k]: v for k, v in kw.items()}


def cases() -> dict[str, Any]:
    """Every public digit function on small seeded inputs."""
    e = make_template(300, seed=0)
    f = make_template(240, seed=7, lo=50, hi=900)
    x = np.floor(10 ** np.random.default_rng(3).uniform(0, 5, 400)).astype(np.int64)
    x_nan = np.concatenate([x[:200].astype(float), [np.nan, 0.0, 3.0]])
    den = x[:200] + np.random.default_rng(4).integers(0, 500, 200)
    sdt = digits.second_digit_test
    out: dict[str, Any] = {}
    runs = {
        "1bl_array": lambda: digits.first_digit_test(x, rng=1, n_ks=300),
        "1bl_nan": lambda: digits.first_digit_test(x_nan, rng=2, n_ks=100),
        "1bl_2digits": lambda: digits.first_digit_test(x, digits=2, rng=1, n_ks=200),
        "1bl_election": lambda: digits.first_digit_test(e, rng=3, n_ks=200),
        "1bl_sim": lambda: digits.first_digit_test(
            e, column="B", null="simulated", n_sim=9, rng=4
        ),
        "1bl_sim2": lambda: digits.first_digit_test(f, digits=2, null="simulated", n_sim=7, rng=4),
        "2bl_array": lambda: sdt(x, rng=5, **_kw(sdt, n_resamples=300, confidence_level=0.9)),
        "2bl_election": lambda: sdt(e, column="ballots", rng=6),
        "2bl_sim": lambda: sdt(f, column="B", null="simulated", n_sim=9, rng=7),
        "last_array": lambda: digits.last_digit_test(x, min_count=0),
        "last_election": lambda: digits.last_digit_test(e, column="C"),
        "last_sim": lambda: digits.last_digit_test(f, null="simulated", n_sim=9, rng=8),
        "c05_array": lambda: digits.round_number_test(x_nan, min_count=5),
        "c05_sim": lambda: digits.round_number_test(e, null="simulated", n_sim=9, rng=9),
        "p05_array": lambda: digits.round_number_test(x[:200], kind="percent", denominator=den),
        "p05_election": lambda: digits.round_number_test(e, column="ballots", kind="percent"),
        "p05_sim": lambda: digits.round_number_test(
            f, column="B", kind="percent", null="simulated", n_sim=9, rng=10
        ),
        "p05_sim_den": lambda: digits.round_number_test(
            e, column="A", kind="percent", denominator="ballots", null="simulated", n_sim=5, rng=1
        ),
        "pairs_array": lambda: digits.digit_pair_test(x, min_count=30),
        "pairs_election": lambda: digits.digit_pair_test(e, column="B"),
        "pairs_sim": lambda: digits.digit_pair_test(e, null="simulated", n_sim=9, rng=11),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", digits.ForensicsWarning)
        for name, run in runs.items():
            out[name] = _result(run())
        out["by_group_last"] = _plain(
            digits.by_group(e, digits.last_digit_test, by="region", column="A")
        )
        out["by_group_2bl"] = _plain(
            digits.by_group(f, digits.second_digit_test, by="region", rng=12)
        )
        out["summary"] = _plain(digits.digit_summary(e, ["A", "ballots"], n_sim=9, rng=13))
        out["summary_level"] = _plain(
            digits.digit_summary(
                f, "B", tests=["2BL", "C05s", "pairs"], by="region", n_sim=5, rng=15
            )
        )
        out["summary_book"] = _plain(digits.digit_summary(f, ["A", "valid"], n_sim=0, rng=14))
    return out


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(set(a) | set(b))
        return [d for k in keys for d in _diff(a.get(k), b.get(k), f"{path}/{k}")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (u, v) in enumerate(zip(a, b, strict=True)) for d in _diff(u, v, path)]
    if a == b:
        return []
    return [f"{path}: {a!r} != {b!r}"]


def test_digit_functions_reproduce_recorded_outputs():
    recorded = json.loads(GOLDEN.read_text())
    now = cases()
    assert sorted(now) == sorted(recorded)
    diffs = _diff(recorded, now)
    assert not diffs, "\n".join(diffs[:20])


def test_float_encoding_keeps_every_bit():
    # 0.1 + 0.2 differs from 0.3 in the last bit only; the encoding must tell them apart.
    assert _plain(0.1 + 0.2) != _plain(0.3)
    assert float.fromhex(_plain(0.1 + 0.2)) == 0.1 + 0.2
    assert math.isnan(float.fromhex(_plain(np.nan)))
    assert _diff({"a": [_plain(1.0)]}, {"a": [_plain(1.0 + 2**-52)]})


if __name__ == "__main__":
    GOLDEN.write_text(json.dumps(cases(), indent=0, sort_keys=True) + "\n")
    print(f"recorded {GOLDEN}")
