"""Old parameter and function names map to the new ones, with a warning."""

import warnings

import pytest

from forensics._compat import deprecated_alias, renamed_parameters


@renamed_parameters(n_boot="n_resamples", confidence="confidence_level")
def _f(x, n_resamples=10, confidence_level=0.95):
    return x, n_resamples, confidence_level


def test_old_keyword_is_passed_on_with_a_warning():
    with pytest.warns(DeprecationWarning, match="`n_boot` was renamed `n_resamples`"):
        assert _f(1, n_boot=7) == (1, 7, 0.95)


def test_new_keyword_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _f(1, n_resamples=3, confidence_level=0.9) == (1, 3, 0.9)


def test_both_names_is_an_error():
    with pytest.raises(TypeError, match="both `confidence` and its new name"):
        _f(1, confidence=0.9, confidence_level=0.8)


def test_alias_warns_and_calls_through():
    old = deprecated_alias(_f, "_g")
    with pytest.warns(DeprecationWarning, match="`_g` was renamed `_f`"):
        assert old(2) == (2, 10, 0.95)
    assert old.__name__ == "_g"
