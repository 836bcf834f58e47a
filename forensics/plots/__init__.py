"""Plot functions: each takes a result (or data) and ``ax=None`` and returns the Axes."""

from forensics.plots.digits import digits

__all__ = ["digits"]
