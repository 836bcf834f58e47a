"""Registered datasets: ``available()``, ``load(name)``, ``fetch``.

See :mod:`forensics.datasets._registry` for how files are found (the
``FORENSICS_DATA_DIR`` mirror, the user cache, pinned downloads).
"""

from forensics.datasets import (  # noqa: F401  (registration on import)
    _controls,
    _russia,
)
from forensics.datasets._registry import (
    ChecksumError,
    Dataset,
    RemoteFile,
    available,
    fetch,
    get,
    load,
    register,
    sha256sum,
)

__all__ = [
    "ChecksumError",
    "Dataset",
    "RemoteFile",
    "available",
    "fetch",
    "get",
    "load",
    "register",
    "sha256sum",
]

# The case studies register their own datasets; imported last, once the registry
# above is complete, because their loaders use it.
import forensics.cases  # noqa: F401
