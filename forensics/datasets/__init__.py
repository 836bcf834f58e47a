"""Registered datasets: ``available()``, ``load(name)``, ``fetch``.

See :mod:`forensics.datasets._registry` for how files are found (the
``FORENSICS_DATA_DIR`` mirror, the user cache, pinned downloads).
"""

from forensics.datasets import (  # noqa: F401  (registration on import)
    _controls,
    _registry,
    _russia,
)
from forensics.datasets._registry import *  # noqa: F403  (the registry's public names)

__all__ = _registry.__all__

# The case studies register their own datasets; imported last, once the registry
# above is complete, because their loaders use it.
import forensics.cases  # noqa: F401
