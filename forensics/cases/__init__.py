"""Case studies: one election each, built on the general methods of :mod:`forensics`.

A case study holds what is specific to one election: the names of its
candidates, its dates and registries, the compiled tables of its announced
results and polls, the spellings of its administrative units, and the loaders
of its datasets (registered with :mod:`forensics.datasets` on import). The
general methods take all of these as parameters and name no country.
"""

from forensics.cases import venezuela_2024

__all__ = ["venezuela_2024"]
