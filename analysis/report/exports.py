"""The data behind a report: every chart's and table's frame as CSV (and Parquet when large).

Each report gets a folder beside its page (``<out>/<report>/``); a notebook cell saves a frame
there with :func:`export_frame` and displays the visible "data" link it returns. Every CSV the
package writes for a spreadsheet goes through :func:`spreadsheet_safe`: a text cell that starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by Excel,
LibreOffice and Google Sheets, so it gets a leading single quote (OWASP, "CSV Injection"); the
CSV writer quotes cells holding commas or quotes. Numbers stay numbers. Same frame, same bytes:
no times, no random names.
"""

from __future__ import annotations

import io
import re
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.files import write_atomic
from analysis.report.html import Html, escape

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PARQUET_ROWS = 5_000
"""Frames with more rows are also written as Parquet (typed, compact, fast to read back)."""
CSV_ROWS: int | None = None
"""None (the default): every frame is written whole as CSV, as issue #14 asks (large ones as
Parquet too). A number caps the CSV at that many first rows, the Parquet file then holding all
of them and the link saying so: at 14k documents the mentions (400,000 rows) and the full
evidence cost about 5 s and 100 MB of CSV per report, which a batch that renders often may
prefer to save."""

_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# The files' bytes (compressed) of each large frame exported that is still alive: every report
# of a batch exports the batch's mentions, the same frame object, and a report may export one
# frame under two names; encoding 400,000 rows as CSV costs seconds, so it is done once. Frames
# are never changed in place (see analysis.report.context), so the object identifies the bytes;
# an entry goes when its frame does.
_ENCODED: dict[int, tuple[weakref.ref, dict[str, tuple[int, bytes]]]] = {}


def _encoded(frame: pd.DataFrame, suffix: str, encode: Callable[[pd.DataFrame], bytes]) -> bytes:
    """``encode(frame)``, or the bytes it gave for this very frame object before."""
    import pyarrow as pa

    if len(frame) <= PARQUET_ROWS:
        return encode(frame)
    codec = pa.Codec("zstd", compression_level=1)
    key = id(frame)
    entry = _ENCODED.get(key)
    if entry is None or entry[0]() is not frame:
        reference = weakref.ref(frame, lambda dead: _forget(key, dead))
        entry = _ENCODED[key] = (reference, {})
    if suffix in entry[1]:
        size, packed = entry[1][suffix]
        return codec.decompress(packed, decompressed_size=size).to_pybytes()
    data = encode(frame)
    entry[1][suffix] = (len(data), codec.compress(data, asbytes=True))
    return data


def _forget(key: int, reference: weakref.ref) -> None:
    entry = _ENCODED.get(key)
    if entry is not None and entry[0] is reference:  # not a newer frame at the same address
        del _ENCODED[key]


def _defuse(value: object) -> object:
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    # The CSV writer quotes a cell holding "\n" but not one holding a bare "\r", which
    # readers then take for the end of the row: every line break is written as "\n".
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def _defuse_column(column: pd.Series) -> pd.Series:
    if not pd.api.types.is_string_dtype(column) or pd.api.types.is_object_dtype(column):
        return column.map(_defuse)  # mixed values: text cells one by one, others untouched
    # A text column (Arrow-backed): the same rule, vectorised.
    risky = column.str.startswith(FORMULA_STARTS).fillna(False).astype(bool)
    if risky.any():
        column = column.where(~risky, "'" + column)
    if column.str.contains("\r", regex=False).fillna(False).any():
        column = column.str.replace("\r\n", "\n", regex=False).str.replace("\r", "\n", regex=False)
    return column


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Only text cells change (a leading ``'``); numeric, boolean and date columns are untouched,
    so ``-3`` stays the number -3 while the text ``"-3 drones"`` becomes ``"'-3 drones"``.
    Column names are text too and are treated the same way. Line breaks in text are
    written as ``\n`` (a bare ``\r`` would end the row for most readers).
    """
    text_columns = [
        column
        for column in frame.columns
        if pd.api.types.is_object_dtype(frame[column])
        or pd.api.types.is_string_dtype(frame[column])
    ]
    safe = frame.copy(deep=False)  # copy-on-write: only the defused columns are new
    for column in text_columns:
        safe[column] = _defuse_column(frame[column])
    return safe.rename(columns=lambda column: _defuse(str(column)))


CSV_BLOCK_CELLS = 400_000
"""Cells encoded at a time: the text of a whole large frame at once (Python's 4 bytes a
character, then a copy) held about 0.8 GB for the 190,000 sentences of a full evidence."""


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as spreadsheet-safe CSV (UTF-8, ``\\n`` line ends, no index).

    Made safe and encoded in blocks of rows, each a multiple of the rows pandas formats
    together (it decides some formats, such as dates without a time, per block of its own), so
    the bytes are those of one ``to_csv`` call.
    """
    pandas_rows = max(100_000 // (len(frame.columns) or 1), 1)  # pandas' own chunk of rows
    step = pandas_rows * max(CSV_BLOCK_CELLS // (pandas_rows * (len(frame.columns) or 1)), 1)
    parts = []
    for first in range(0, max(len(frame), 1), step):
        block = spreadsheet_safe(_flatten(frame.iloc[first : first + step]))
        fast = _joined_csv(block, pandas_rows, header=first == 0)
        if fast is None:
            buffer = io.StringIO()
            block.to_csv(buffer, index=False, header=first == 0, lineterminator="\n")
            fast = buffer.getvalue().encode("utf-8")
        parts.append(fast)
    return b"".join(parts)


_CSV_FORMAT = {"na_rep": "", "float_format": None, "date_format": None, "quoting": 0}
"""What ``to_csv`` formats cells with by default (QUOTE_MINIMAL, empty for missing)."""


def _joined_csv(block: pd.DataFrame, pandas_rows: int, *, header: bool) -> bytes | None:
    """The bytes ``block.to_csv(index=False, lineterminator="\\n")`` writes, joined by
    pyarrow's kernels instead of Python's csv writer (four times faster at 400,000 rows).

    Cells are formatted by pandas itself, per chunk of ``pandas_rows`` as ``to_csv`` does;
    then a cell holding a comma, a quote or a line break is quoted with its quotes doubled,
    as the csv module's QUOTE_MINIMAL does. None (the caller writes with pandas) when a
    cell holds a carriage return (whose quoting differs between Python versions) or the
    frame has one column (an empty row is then written ``""``).
    """
    import pyarrow as pa

    if len(block.columns) < 2:
        return None
    lines = []
    if header:
        names = block.columns._get_values_for_csv(**_CSV_FORMAT, decimal=".")
        lines.append(
            _csv_lines([pa.array([_cell_text(name)], pa.large_string()) for name in names])
        )
    for first in range(0, len(block), pandas_rows):
        chunk = block.iloc[first : first + pandas_rows]
        cells = chunk._get_values_for_csv(**_CSV_FORMAT, decimal=".")
        lines.append(
            _csv_lines(
                [
                    _column_text(chunk.iloc[:, k], column)
                    for k, column in enumerate(cells._iter_column_arrays())
                ]
            )
        )
    if any(part is None for part in lines):
        return None
    return b"".join(lines)


def _cell_text(value: Any) -> str:
    """A cell as Python's csv writer turns it into text: None empty, a float by its repr."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def _column_text(original: pd.Series, formatted: np.ndarray) -> Any:
    """One column of cells as pandas formatted them, as large_string: numbers and booleans
    (left to the csv writer by pandas) converted by pyarrow, other cells by :func:`_cell_text`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    dtype = original.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return pa.array(original.to_numpy()).cast(pa.large_string())  # as str(int)
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return pc.if_else(pa.array(original.to_numpy()), "True", "False").cast(pa.large_string())
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        arrow = pa.chunked_array(original.array.__arrow_array__()).combine_chunks()
        return arrow.cast(pa.large_string())  # pandas writes missing text as "" too
    try:
        return pa.array(formatted, type=pa.large_string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([_cell_text(value) for value in formatted.tolist()], pa.large_string())


def _csv_lines(columns: list[Any]) -> bytes | None:
    """Rows of text cells as CSV lines (QUOTE_MINIMAL, ``\\n``); None when a cell holds a
    carriage return (see :func:`_joined_csv`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    quote, end, comma = (pa.scalar(text, pa.large_string()) for text in '"\n,')
    empty = pa.scalar("", pa.large_string())
    quoted = []
    for text in columns:
        text = text.fill_null(empty)
        if pc.any(pc.match_substring(text, "\r")).as_py():
            return None
        risky = pc.or_(
            pc.or_(pc.match_substring(text, ","), pc.match_substring(text, '"')),
            pc.match_substring(text, "\n"),
        )
        if pc.any(risky).as_py():
            doubled = pc.replace_substring(text, '"', '""')
            text = pc.if_else(
                risky, pc.binary_join_element_wise(quote, doubled, quote, empty), text
            )
        quoted.append(text)
    quoted[-1] = pc.binary_join_element_wise(quoted[-1], empty, end)  # the line's end
    lines = pc.binary_join_element_wise(*quoted, comma)
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)
    start, stop = int(offsets[lines.offset]), int(offsets[lines.offset + len(lines)])
    return lines.buffers()[2].slice(start, stop - start).to_pybytes()


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` atomically as spreadsheet-safe CSV (see :func:`csv_bytes`)."""
    return write_atomic(path, csv_bytes(frame))


def _flatten(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists and tuples in cells (warnings, aliases) as one ``|``-separated text."""
    listy = [
        column
        for column in frame.columns
        if frame[column].dtype == object
        and frame[column].map(lambda value: isinstance(value, list | tuple)).any()
    ]
    if not listy:
        return frame
    return frame.assign(
        **{
            str(column): frame[column].map(
                lambda value: (
                    " | ".join(map(str, value)) if isinstance(value, list | tuple) else value
                )
            )
            for column in listy
        }
    )


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.reset_index(drop=True).to_parquet(buffer, index=False, compression="zstd")
    return buffer.getvalue()


def export_frame(
    frame: pd.DataFrame,
    name: str,
    folder: str | Path | None,
    *,
    label: str = "data",
    parquet: bool | None = None,
) -> Html:
    """Save ``frame`` as ``<folder>/<name>.csv`` (and ``.parquet``) and return the data link.

    Parameters
    ----------
    frame : DataFrame
        What a chart draws or a table shows, whole (not the rows the page shows).
    name : str
        File name without suffix (letters, digits, ``.``, ``_``, ``-``).
    folder : path-like or None
        The report's data folder; the link is relative to the page beside it
        (``<folder name>/<name>.csv``). None or "" (a notebook run alone): nothing is written
        and an empty piece of HTML comes back.
    label : str
        The link's text before the row count.
    parquet : bool, optional
        Also write Parquet; default when the frame has more than :data:`PARQUET_ROWS` rows
        (always when :data:`CSV_ROWS` caps the CSV and the frame has more rows: the CSV
        then holds the first CSV_ROWS rows only).

    Returns
    -------
    Html : a line with the link(s), e.g. "data: timeline.csv (1,204 rows)", or "data:
    mentions.csv (first 50,000 rows) · mentions.parquet (all 413,738 rows)".
    """
    if not _FILE_NAME.match(name):
        raise ValueError(f"{name!r}: not a file name for an export (letters, digits, . _ -)")
    if not folder:
        return Html("")
    folder = Path(folder)
    cut = CSV_ROWS is not None and len(frame) > CSV_ROWS
    write_atomic(folder / f"{name}.csv", _encoded(frame, "csv", _first_rows_csv))
    links = [f'<a href="{escape(folder.name)}/{escape(name)}.csv">{escape(name)}.csv</a>']
    if cut or (parquet if parquet is not None else len(frame) > PARQUET_ROWS):
        write_atomic(folder / f"{name}.parquet", _encoded(frame, "parquet", _parquet_bytes))
        links.append(
            f'<a href="{escape(folder.name)}/{escape(name)}.parquet">{escape(name)}.parquet</a>'
        )
    rows = f"{len(frame):,} row{'' if len(frame) == 1 else 's'}"
    if cut:
        said = f"{links[0]} (first {CSV_ROWS:,} rows) · {links[1]} (all {rows})"
        return Html(f'<p class="nm-data">{escape(label)}: {said}</p>')
    return Html(f'<p class="nm-data">{escape(label)}: {" · ".join(links)} ({rows})</p>')


def _first_rows_csv(frame: pd.DataFrame) -> bytes:
    return csv_bytes(frame if CSV_ROWS is None else frame.head(CSV_ROWS))


def with_data(shown: object, link: Html) -> Html:
    """What a cell displays (an ``IPython.display.Image``, SVG or HTML) followed by its link.

    One output per chart: the image goes into the HTML as a data URI, so the page stays
    self-contained and the link sits right under the chart it belongs to.
    """
    import base64

    if hasattr(shown, "_repr_html_") and shown._repr_html_():
        body = shown._repr_html_()
    elif hasattr(shown, "_repr_svg_") and shown._repr_svg_():
        body = shown._repr_svg_()
    elif hasattr(shown, "_repr_png_") and (png := shown._repr_png_()):
        # IPython gives base64 text, with (width, height) metadata when the size is set
        data, size = png if isinstance(png, tuple) else (png, {})
        if isinstance(data, bytes):
            data = base64.b64encode(data).decode("ascii")
        attributes = "".join(
            f' {side}="{int(size[side])}"' for side in ("width", "height") if size.get(side)
        )
        body = f'<img src="data:image/png;base64,{data}"{attributes} alt="chart">'
    else:
        body = f"<pre>{escape(shown)}</pre>"
    return Html(f'<div class="nm-chart">{body}{link.markup}</div>')
