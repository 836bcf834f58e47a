"""Renamed parameters and functions: the old spelling keeps working, with a warning.

The package uses one name per concept (``confidence_level``, ``n_resamples``,
``by``, ``rng``; hypothesis tests end in ``_test``). Where an earlier release
spelled a parameter or a function differently, these helpers accept the old
spelling, map it to the new one and emit a :class:`DeprecationWarning` that
names both.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["deprecated_alias", "renamed_attribute", "renamed_parameters"]


def renamed_parameters(**renames: str) -> Callable[[F], F]:
    """Accept old keyword names of a function's parameters, with a warning.

    Parameters
    ----------
    **renames : str
        ``old="new"`` pairs: a call passing ``old=`` is passed on as ``new=``.

    Returns
    -------
    callable
        A decorator.

    Raises
    ------
    TypeError
        When a call passes both the old and the new name.

    Examples
    --------
    >>> import warnings
    >>> @renamed_parameters(n_boot="n_resamples")
    ... def f(x, n_resamples=10):
    ...     return x * n_resamples
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     f(2, n_boot=3)
    6
    >>> str(caught[0].message)
    'f(): `n_boot` was renamed `n_resamples`; the old name will be removed'
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{func.__name__}() got both `{old}` and its new name `{new}`"
                        )
                    warnings.warn(
                        f"{func.__name__}(): `{old}` was renamed `{new}`; "
                        "the old name will be removed",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def deprecated_alias(func: F, old_name: str) -> F:
    """The function ``func`` under an earlier name, warning on each call.

    Parameters
    ----------
    func : callable
        The function under its current name.
    old_name : str
        The name it had.

    Returns
    -------
    callable
        A wrapper that warns with a :class:`DeprecationWarning` and calls
        ``func``.

    Examples
    --------
    >>> import warnings
    >>> def shape_test(x):
    ...     return x + 1
    >>> shape_tests = deprecated_alias(shape_test, "shape_tests")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     shape_tests(1)
    2
    >>> str(caught[0].message)
    '`shape_tests` was renamed `shape_test`; the old name will be removed'
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(
            f"`{old_name}` was renamed `{func.__name__}`; the old name will be removed",
            DeprecationWarning,
            stacklevel=2,
        )
        return func(*args, **kwargs)

    wrapper.__name__ = old_name
    wrapper.__qualname__ = old_name
    wrapper.__doc__ = f"Deprecated name of :func:`{func.__name__}`."
    return wrapper  # type: ignore[return-value]


def renamed_attribute(new: str, old: str) -> property:
    """A read-only property under a result field's former name, warning on each read.

    Parameters
    ----------
    new : str
        The field's current name.
    old : str
        The name it had.

    Returns
    -------
    property
        Reads ``new`` after a :class:`DeprecationWarning` that names both.

    Examples
    --------
    >>> import dataclasses, warnings
    >>> @dataclasses.dataclass(frozen=True)
    ... class Result:
    ...     n_resamples: int
    ...     n_boot = renamed_attribute("n_resamples", "n_boot")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     Result(99).n_boot
    99
    >>> str(caught[0].message)
    '`Result.n_boot` was renamed `n_resamples`; the old name will be removed'
    """

    def read(self: Any) -> Any:
        warnings.warn(
            f"`{type(self).__name__}.{old}` was renamed `{new}`; the old name will be removed",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(self, new)

    return property(read, doc=f"Deprecated former name of ``{new}``.")
