"""The dataset registry: pinned public files, checksums, the offline mirror.

A dataset is a name, a one-line description, the files it needs (each with a
path relative to the data mirror, a pinned public URL and a sha256) and a
loader that turns the local paths into an :class:`~forensics.Election`.

Files are looked up, in order:

1. in the local mirror named by the environment variable
   ``FORENSICS_DATA_DIR`` (a folder laid out like the public data mirror),
   checked against the sha256;
2. in the user cache (``pooch.os_cache("forensics")``, or
   ``FORENSICS_CACHE_DIR``), downloaded there by pooch from the pinned URL
   and checked against the sha256.

Downloads are disabled when ``FORENSICS_OFFLINE`` is set to a true value
(``1``, ``true``, ``yes``), as in CI: a file missing from the mirror and the
cache is then an error that says where it was looked for.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from forensics.election import DataError, Election

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

_REGISTRY: dict[str, Dataset] = {}


class ChecksumError(DataError):
    """A data file whose sha256 differs from the pinned one."""


@dataclass(frozen=True)
class RemoteFile:
    """One pinned public file.

    Attributes
    ----------
    path : str
        Path relative to the data mirror, e.g. ``"country_2024/x.csv"``.
    url : str
        Pinned public URL (a commit-pinned raw URL where one exists).
    sha256 : str
        Expected sha256 of the file's bytes in the mirror.
    download_sha256 : str, optional
        Expected sha256 of the file at ``url`` when the mirror keeps another
        form of the same data (e.g. a gzip of the CSV inside a published zip);
        the loader must read both forms.
    """

    path: str
    url: str
    sha256: str
    download_sha256: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A registered dataset: files plus the loader that reads them."""

    name: str
    description: str
    files: tuple[RemoteFile, ...]
    loader: Callable[..., Election] = field(repr=False)
    citation: str = ""


def register(dataset: Dataset) -> Dataset:
    """Add a dataset to the registry (names are unique).

    Parameters
    ----------
    dataset : Dataset
        Its ``name`` must not be registered yet.

    Returns
    -------
    Dataset
        ``dataset`` itself, so that a module can keep the registered entry.

    Raises
    ------
    ValueError
        A dataset of that name is already registered.

    References
    ----------
    .. [1] Uieda, L. et al. (2020). Pooch: a friend to fetch your data files.
       *JOSS* 5(45), 1943. doi:10.21105/joss.01943 (the pinned URL and hash
       of each registered file follow its registry model).

    Examples
    --------
    Names are unique: registering one twice is refused.

    >>> from forensics import datasets
    >>> datasets.register(datasets.get("albania-2013"))
    Traceback (most recent call last):
    ...
    ValueError: dataset 'albania-2013' is already registered
    """
    if dataset.name in _REGISTRY:
        raise ValueError(f"dataset {dataset.name!r} is already registered")
    _REGISTRY[dataset.name] = dataset
    return dataset


def get(name: str) -> Dataset:
    """The registry entry of ``name``.

    Parameters
    ----------
    name : str
        A name from :func:`available`.

    Returns
    -------
    Dataset
        Its description, pinned files, loader and citation.

    Raises
    ------
    KeyError
        No dataset of that name; the message lists the registered names.

    References
    ----------
    .. [1] Uieda, L. et al. (2020). Pooch. *JOSS* 5(45), 1943.
       doi:10.21105/joss.01943 (how the entry's files are fetched).

    Examples
    --------
    >>> from forensics import datasets
    >>> d = datasets.get("albania-2013")
    >>> [f.path for f in d.files]
    ['albania_2013_parliament/Albania2013.csv']
    >>> datasets.get("atlantis-2024")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    KeyError: "unknown dataset 'atlantis-2024'; available: albania-2013, ..."
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(
            f"unknown dataset {name!r}; available: {', '.join(sorted(_REGISTRY))}"
        ) from None


def available() -> dict[str, str]:
    """Registered dataset names with a one-line description, sorted by name.

    Returns
    -------
    dict of str to str
        ``{name: description}``, in name order.

    References
    ----------
    .. [1] The registry follows Pooch's (Uieda, L. et al. 2020, *JOSS* 5(45),
       1943, doi:10.21105/joss.01943): a name, a pinned URL and a hash.

    Examples
    --------
    >>> from forensics import datasets
    >>> names = datasets.available()
    >>> "albania-2013" in names
    True
    >>> names["albania-2013"]
    'Albania 2013 parliamentary, 5,508 stations (EFToolkit example); leader C035 (largest list)'
    """
    return {name: _REGISTRY[name].description for name in sorted(_REGISTRY)}


def _offline() -> bool:
    return os.environ.get("FORENSICS_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def sha256sum(path: str | os.PathLike[str]) -> str:
    """The sha256 hex digest of a file.

    The file is read in 1 MiB chunks, so large files need little memory.

    Parameters
    ----------
    path : str or os.PathLike
        The file.

    Returns
    -------
    str
        64 lowercase hexadecimal digits.

    References
    ----------
    .. [1] National Institute of Standards and Technology (2015). Secure Hash
       Standard (SHS). FIPS PUB 180-4. doi:10.6028/NIST.FIPS.180-4

    Examples
    --------
    The standard's test vector, the three bytes ``abc``:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from forensics import datasets
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "abc.txt"
    ...     _ = path.write_bytes(b"abc")
    ...     datasets.sha256sum(path)
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _verify(path: Path, expected: str) -> Path:
    actual = sha256sum(path)
    if actual != expected:
        raise ChecksumError(
            f"checksum mismatch for {path}: expected sha256 {expected}, got {actual}. "
            "The file is not the pinned version; delete it or point FORENSICS_DATA_DIR "
            "at a faithful mirror."
        )
    return path


def _cache_dir() -> Path:
    env = os.environ.get("FORENSICS_CACHE_DIR")
    if env:
        return Path(env)
    import pooch

    return Path(pooch.os_cache("forensics"))


def fetch(remote: RemoteFile) -> Path:
    """The local path of one pinned file, from the mirror, the cache or the web.

    Looked up in the folder named by ``FORENSICS_DATA_DIR``, then in the user
    cache; downloaded into the cache with pooch unless ``FORENSICS_OFFLINE``
    is set. Every file is checked against its pinned sha256 before use.

    Parameters
    ----------
    remote : RemoteFile
        The pinned file (one of a :class:`Dataset`'s ``files``).

    Returns
    -------
    pathlib.Path
        The verified local file.

    Raises
    ------
    ChecksumError
        The local or downloaded file does not match the pinned sha256.
    FileNotFoundError
        Downloads are disabled and the file is in neither the mirror nor the
        cache.

    References
    ----------
    .. [1] Uieda, L., Soler, S. R., Rampin, R., van Kemenade, H., Turk, M.,
       Shapero, D., Banihirwe, A. & Leeman, J. (2020). Pooch: a friend to
       fetch your data files. *Journal of Open Source Software* 5(45), 1943.
       doi:10.21105/joss.01943

    Examples
    --------
    With ``FORENSICS_DATA_DIR`` pointing at the data mirror:

    >>> from forensics import datasets
    >>> remote = datasets.get("albania-2013").files[0]
    >>> path = datasets.fetch(remote)
    >>> path.name, datasets.sha256sum(path) == remote.sha256
    ('Albania2013.csv', True)
    """
    mirror = os.environ.get("FORENSICS_DATA_DIR")
    if mirror:
        local = Path(mirror) / remote.path
        if local.is_file():
            return _verify(local, remote.sha256)
    cached = _cache_dir() / remote.path
    download_hash = remote.download_sha256 or remote.sha256
    if cached.is_file():
        return _verify(cached, download_hash)
    if _offline():
        where = f"{Path(mirror) / remote.path} (FORENSICS_DATA_DIR)" if mirror else "no mirror set"
        raise FileNotFoundError(
            f"{remote.path} is not available offline: looked in {where} and in the cache "
            f"{cached}. Unset FORENSICS_OFFLINE to download it from {remote.url}."
        )
    import pooch

    try:
        fname = pooch.retrieve(
            remote.url,
            known_hash=f"sha256:{download_hash}",
            fname=Path(remote.path).name,
            path=cached.parent,
            progressbar=False,
        )
    except ValueError as exc:  # pooch reports hash mismatches as ValueError
        raise ChecksumError(f"download of {remote.url} for {remote.path}: {exc}") from exc
    return Path(fname)


def load(name: str, **kwargs) -> Election | Any:
    """Load a registered dataset as a validated :class:`~forensics.Election`.

    Station-level datasets give an Election; geometry datasets (state
    boundaries) give the object their loader documents.

    Parameters
    ----------
    name : str
        A name from :func:`available`.
    **kwargs
        Passed to the dataset's loader (e.g. ``on_invalid``).

    Returns
    -------
    Election or object
        The validated election (stations kept, rows set aside with their
        reasons), or for a geometry dataset what its loader returns (e.g.
        :class:`~forensics.maps.StateBoundaries`).

    References
    ----------
    .. [1] Uieda, L. et al. (2020). Pooch: a friend to fetch your data files.
       *Journal of Open Source Software* 5(45), 1943. doi:10.21105/joss.01943
       (the files are fetched and checked with it; each dataset's own source
       is its ``citation``).

    Examples
    --------
    With ``FORENSICS_DATA_DIR`` pointing at the data mirror:

    >>> from forensics import datasets
    >>> e = datasets.load("albania-2013")
    >>> len(e), len(e.set_aside), e.leader
    (5506, 2, 'C035')
    """
    dataset = get(name)
    paths = {f.path: fetch(f) for f in dataset.files}
    return dataset.loader(paths, **kwargs)
