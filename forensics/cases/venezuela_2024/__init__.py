"""The Venezuelan presidential election of 28 July 2024.

What is specific to this election, for the general methods of
:mod:`forensics`:

* datasets, registered with :mod:`forensics.datasets` on import:
  ``venezuela-2024`` (the opposition's 25,073-acta file, V2),
  ``venezuela-2024-v1`` (24,532 actas with registered voters),
  ``venezuela-2024-qr`` (a decoding of the actas' QR codes),
  ``venezuela-2013`` (the official 2013 mesa-level results, the history
  baseline) and ``venezuela-states`` (state boundaries, OCHA/INE adm1, whose
  :class:`~forensics.maps.StateBoundaries` carry :data:`STATE_NAMES`);
* the state names of the CNE files (:data:`STATE_NAMES`,
  :data:`STATE_ALIASES`, :data:`OFF_MAP`, :func:`normalize_state_name`).

References
----------
.. [1] Jiménez, R. & Hidalgo, M. (2014). Forensic analysis of Venezuelan
   elections during the Chávez presidency. PLOS ONE 9(6), e100884.
   doi:10.1371/journal.pone.0100884 (the 2012 and 2013 elections at the
   same centres, the method of :mod:`forensics.history`).
"""

from forensics.cases.venezuela_2024 import _actas, _boundaries  # noqa: F401  (registration)
from forensics.cases.venezuela_2024._boundaries import (
    OFF_MAP,
    STATE_ALIASES,
    STATE_NAMES,
    normalize_state_name,
)

__all__ = [
    "OFF_MAP",
    "STATE_ALIASES",
    "STATE_NAMES",
    "normalize_state_name",
]
