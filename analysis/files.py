"""Atomic file writes, and files by URL: a reader never sees a half-written report, table or
cache, whether it lives on a local disk or an object store.

A path such as ``s3://bucket/corpus``, ``gs://...`` or ``https://...`` is a URL, read and
written through fsspec; anything else is a local path (``pathlib``, unchanged and as fast as
before). Credentials and endpoints come from fsspec's usual configuration (``~/.config/fsspec``,
``FSSPEC_S3_ENDPOINT_URL``-style environment variables, the cloud SDKs' own ``AWS_*`` /
``GOOGLE_*`` variables) or from :func:`set_storage_options` in Python.
"""

from __future__ import annotations

import os
import re
import tempfile
import uuid
from pathlib import Path

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")

OBJECT_STORES = frozenset({"s3", "s3a", "gs", "gcs", "az", "abfs", "abfss", "adl", "oss", "memory"})
"""Stores where one object is written in one step (a PUT, or a multipart upload completed at
once): readers see the whole object or none, so an object is written straight to its key."""


def is_url(path) -> bool:
    """Whether ``path`` is a URL (``scheme://...``) rather than a local path."""
    return isinstance(path, str) and _URL.match(path) is not None


def set_storage_options(protocol: str, **options) -> None:
    """Options for every later use of ``protocol`` (``"s3"``, ``"gs"`` ...) in this process and
    on the Dask workers it sends store reads to: e.g.
    ``set_storage_options("s3", endpoint_url="http://127.0.0.1:9000", key=..., secret=...)``.

    They are merged into fsspec's own configuration (``fsspec.config.conf``), so they add to,
    and override, what its config files and environment variables give.
    """
    import fsspec.config

    fsspec.config.conf.setdefault(protocol, {}).update(options)


def storage_options(url: str) -> dict:
    """The configured options of ``url``'s protocol (shipped with tasks to Dask workers)."""
    import fsspec.config

    return dict(fsspec.config.conf.get(url.split("://", 1)[0], {}))


def storage_environment(*paths) -> dict[str, str]:
    """Environment variables that give a child process (a spawned worker, a notebook kernel)
    this process's fsspec options for the protocols of the URLs among ``paths``:
    ``FSSPEC_<PROTOCOL>`` holding them as JSON, which fsspec reads when it is imported.

    Options set with :func:`set_storage_options` live in this process only; its environment
    variables and config files reach children anyway. An option that JSON cannot hold (a
    session object) is left out with a warning: set it in the child's own configuration.
    """
    import json

    from analysis.errors import warn

    environment = {}
    protocols = {str(path).split("://", 1)[0] for path in paths if is_url(path)}
    for protocol in sorted(p for p in protocols if p.isalnum()):  # not "simplecache::s3"
        options = {}
        for key, value in storage_options(f"{protocol}://").items():
            try:
                json.dumps(value)
            except (TypeError, ValueError):
                warn(
                    f"storage option {protocol}.{key} ({type(value).__name__}) cannot be passed "
                    "to the report's processes; set it in fsspec's configuration instead"
                )
                continue
            options[key] = value
        if options:
            environment[f"FSSPEC_{protocol.upper()}"] = json.dumps(options, sort_keys=True)
    return environment


def filesystem(url: str, options: dict | None = None):
    """(fsspec filesystem, path inside it) for ``url``; ``options`` as from
    :func:`storage_options` (default: this process's configuration)."""
    import fsspec
    from fsspec.core import url_to_fs

    from analysis.errors import InputError

    protocol = url.split("://", 1)[0]
    try:
        if options is None:
            return url_to_fs(url)
        fs = fsspec.filesystem(protocol, **options)
    except ImportError as error:  # e.g. gs:// without gcsfs: "Install gcsfs to access ..."
        raise InputError(f"{url}: {error}") from None
    except ValueError as error:  # "Protocol not known: foo"
        raise InputError(f"{url}: {error}") from None
    return fs, fs._strip_protocol(url)


def join(base: str | Path, *parts: str) -> str | Path:
    """``base / part / ...`` for a local path or a URL (a URL stays a string)."""
    if not is_url(base):
        return Path(base).joinpath(*parts)
    return "/".join([str(base).rstrip("/"), *parts])


def name_of(path: str | Path) -> str:
    """The last component of a local path or URL."""
    return str(path).rstrip("/").rsplit("/", 1)[-1] if is_url(path) else Path(path).name


def read_url(url: str, options: dict | None = None) -> bytes:
    """The bytes at ``url`` (FileNotFoundError when there is none)."""
    fs, path = filesystem(url, options)
    return fs.cat_file(path)


def url_is_file(url: str) -> bool:
    """Whether ``url`` names an existing file (False on any error reaching it)."""
    try:
        fs, path = filesystem(url)
        fs.invalidate_cache(path)  # another process may have written it since we last looked
        return bool(fs.isfile(path))
    except (OSError, ValueError):
        return False


def write_atomic(path: str | Path, data: bytes | str) -> Path | str:
    """Write ``data`` to ``path`` so that readers see the old content or the new, never part.

    Locally: a temporary file in the same folder, then ``os.replace``. On an object store
    (:data:`OBJECT_STORES`): one upload to the key, which the store makes visible whole. On
    other fsspec file systems: a temporary name beside the target, then a move (as atomic as
    that file system's rename).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if is_url(path):
        _write_url(path, data)
        return path
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _write_url(url: str, data: bytes) -> None:
    fs, path = filesystem(url)
    protocols = {fs.protocol} if isinstance(fs.protocol, str) else set(fs.protocol)
    if protocols & OBJECT_STORES:
        fs.pipe_file(path, data)
        return
    parent, _, name = path.rpartition("/")
    temporary = f"{parent}/.{name}.{uuid.uuid4().hex[:8]}.tmp"
    fs.pipe_file(temporary, data)
    try:
        fs.mv(temporary, path)
    except BaseException:
        fs.rm_file(temporary)
        raise


def write_frame(frame, path: str | Path) -> Path | str:
    """Write a DataFrame atomically as CSV or Parquet, chosen by the suffix."""
    if str(path).endswith(".parquet"):
        import io

        buffer = io.BytesIO()
        frame.to_parquet(buffer, index=False)
        return write_atomic(path, buffer.getvalue())
    return write_atomic(path, frame.to_csv(index=False, lineterminator="\n"))
