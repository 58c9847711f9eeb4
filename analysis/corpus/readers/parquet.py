"""Parquet files: one document per row; a Parquet dataset folder is loaded as a folder of them."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from analysis.corpus.readers.base import Source, stem
from analysis.corpus.readers.columns import as_roles, table_records
from analysis.errors import InputError


def read_parquet(source: Source) -> pd.DataFrame:
    """A ``.parquet`` file; timestamp columns keep their local date (see ``as_roles``)."""
    display = source.display
    try:
        frame = pd.read_parquet(source.path)
    except (OSError, ValueError, pa.ArrowException) as error:
        raise InputError(f"{display}: not a readable Parquet file ({error})") from None
    roles = as_roles(frame, source.overrides, display)
    return table_records(roles, display=display, stem=stem(source.path.name), note="")
