"""Engines: where the domain's work runs. A registry of name -> module, imported on first use.

An engine module offers the same four functions with the same signatures: ``load_store``,
``find_mentions``, ``corpus_over_time`` and ``mentions_over_time``; each takes a documents
frame or a corpus store folder (and ``client``) and returns exactly the pandas engine's frame,
attrs included. It calls only the domain's public functions. Adding a backend is one module
and one line in :data:`ENGINES`; :mod:`analysis.api` picks the engine.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from analysis.errors import InputError

ENGINES = {
    "pandas": "analysis.engines.pandas",  # in this process
    "dask": "analysis.engines.dask",  # partitions on a dask.distributed cluster
}


def check_engine(engine: str) -> str:
    """``engine`` if it is registered; otherwise an InputError naming the choices."""
    if engine not in ENGINES:
        raise InputError(f"engine: unknown value {engine!r}; use one of {', '.join(ENGINES)}")
    return engine


def get_engine(engine: str) -> ModuleType:
    """The module of a registered engine, imported on first use."""
    return importlib.import_module(ENGINES[check_engine(engine)])
