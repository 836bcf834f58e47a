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
* the candidates (:data:`CANDIDATES`, González first in every margin; their
  poll-table keys :data:`POLL_CANDIDATES`), :data:`ELECTION_DAY` and the CNE
  registry :data:`REGISTRY_2024`;
* the compiled tables of ``data/``: :func:`load_bulletins` and
  :func:`bulletin_counts` (CNE bulletins, registry, opposition totals),
  :func:`load_polls`, :func:`load_pollsters`, :func:`load_exit_polls`, and
  :func:`compare`, which sets the poll averages, exit polls, acta totals and
  CNE bulletins side by side;
* the state names of the CNE files (:data:`STATE_NAMES`,
  :data:`STATE_ALIASES`, :data:`OFF_MAP`, :func:`normalize_state_name`).

The CNE's first bulletin (29 July 2024: Maduro 5,150,092, González
4,445,978, others 462,704 of 10,058,774) is a total times one-decimal
percentages: all three counts hit in
:func:`forensics.bulletins.round_percentage_test`, ``P = 0.75 q**2 = 7.4e-9``
with ``q = 1000 / 10,058,774``; the cruder ``q**2 = 9.9e-9`` is Gelman's
"about 1 in 100 million" [1]_. The second bulletin (6,408,844, 5,326,104,
600,936 of 12,335,884 valid votes) has no hit.

The 2013 file keeps the 2012 Chávez and Capriles votes at the same mesas, so
:mod:`forensics.history` compares the elections centre by centre, as Jiménez
and Hidalgo [2]_ did for the Chávez years.

References
----------
.. [1] Gelman, A. (2024). Blog post on the first CNE bulletin, reported by
   CNN, "After Venezuela's contested presidential vote, experts say
   government results are a 'statistical improbability'", 9 August 2024,
   https://amp.cnn.com/cnn/2024/08/09/americas/venezuela-election-results-experts-improbability-intl-latam
   and Caracas Chronicles, "What are the chances that Maduro actually
   won?", 1 August 2024.
.. [2] Jiménez, R. & Hidalgo, M. (2014). Forensic analysis of Venezuelan
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
from forensics.cases.venezuela_2024._tables import (
    CANDIDATE_NAMES,
    CANDIDATES,
    ELECTION_DAY,
    GELMAN_2024,
    POLL_CANDIDATES,
    POLL_MARKS,
    QUANTITIES,
    REGISTRY_2024,
    REGISTRY_ABROAD_2024,
    bulletin_counts,
    compare,
    load_bulletins,
    load_exit_polls,
    load_polls,
    load_pollsters,
)

__all__ = [
    "CANDIDATES",
    "CANDIDATE_NAMES",
    "ELECTION_DAY",
    "GELMAN_2024",
    "OFF_MAP",
    "POLL_CANDIDATES",
    "POLL_MARKS",
    "QUANTITIES",
    "REGISTRY_2024",
    "REGISTRY_ABROAD_2024",
    "STATE_ALIASES",
    "STATE_NAMES",
    "bulletin_counts",
    "compare",
    "load_bulletins",
    "load_exit_polls",
    "load_polls",
    "load_pollsters",
    "normalize_state_name",
]
