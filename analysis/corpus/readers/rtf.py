"""Rich Text Format (.rtf, converted to text with striprtf): one document per file, or a
LexisNexis / Nexis Uni export split into its articles as for .docx."""

from __future__ import annotations

import gzip
import zlib

from analysis.corpus.readers.base import Source, decode, read_bytes
from analysis.corpus.readers.docx import is_nexis, nexis_records, one_document
from analysis.errors import InputError
from analysis.text import clean as textclean


def read_rtf(source: Source) -> list[dict]:
    """A ``.rtf`` file: its text as paragraphs; a Nexis export (``Body`` and ``End of
    Document`` lines) gives one document per article, any other file one document whose title
    is its first non-blank line. A file that is not RTF is an InputError naming it."""
    from striprtf.striprtf import rtf_to_text

    try:
        raw, notes = decode(read_bytes(source.path))
    except (OSError, EOFError, gzip.BadGzipFile, zlib.error, textclean.UndecodableError) as error:
        raise InputError(f"{source.display}: {error}") from None
    if not raw.lstrip().startswith("{\\rtf"):
        raise InputError(f"{source.display}: not an RTF file (it does not start with '{{\\rtf')")
    try:
        text = rtf_to_text(raw, errors="replace")
    except (ValueError, IndexError, LookupError) as error:
        raise InputError(f"{source.display}: not readable RTF ({error})") from None
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    records = nexis_records(lines, source) if is_nexis(lines) else [one_document(lines, source)]
    for record in records:
        record["notes"] = [*notes, *record["notes"]]
    return records
