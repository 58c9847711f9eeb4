"""Word documents (.docx, read with python-docx): one article per file, or a LexisNexis /
Nexis Uni export split into its articles.

A Nexis export holds many articles, each a headline, the outlet, a dateline, fields such as
``Length: 512 words`` and ``Byline:``, a ``Body`` line, the text, trailer fields (``Language:
ENGLISH`` gives the language) and ``End of Document``. The
splitting works on paragraphs as text, so the RTF reader uses it too. Tables, images, headers
and footers of a document are not read.
"""

from __future__ import annotations

import io
import re
import zipfile

from analysis.corpus.readers.base import Source, read_bytes, stem
from analysis.errors import InputError

_END = "end of document"
_BODY = "body"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATELINE = re.compile(
    rf"^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,? )?"
    rf"((?:{_MONTHS}) \d{{1,2}},? \d{{4}}|\d{{1,2}} (?:{_MONTHS}),? \d{{4}})\b"
)
_LENGTH = re.compile(r"\bLength:\s*([\d,]+)\s*words", re.IGNORECASE)
_TRAILER = re.compile(r"^(?:Load-Date:|Classification$|Language:|Publication-Type:)")


def read_docx(source: Source) -> list[dict]:
    """A ``.docx`` file: a Nexis export is split into one document per article (see
    :func:`nexis_records`); any other document is one document whose title is its first
    heading (else its first paragraph) and whose text is the paragraphs after it."""
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = Document(io.BytesIO(read_bytes(source.path)))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputError(f"{source.display}: not a readable .docx ({error})") from None
    paragraphs = [
        (p.text.strip(), p.style.name if p.style is not None else "") for p in document.paragraphs
    ]
    lines = [text for text, _ in paragraphs]
    if is_nexis(lines):
        return nexis_records(lines, source)
    headings = [
        text
        for text, style in paragraphs
        if text and style.lower().startswith(("heading", "title"))
    ]
    return [one_document(lines, source, title=headings[0] if headings else "")]


def is_nexis(lines: list[str]) -> bool:
    """Whether paragraphs look like a Nexis export: an ``End of Document`` and a ``Body``."""
    lowered = {line.strip().lower() for line in lines}
    return _END in lowered and _BODY in lowered


def one_document(lines: list[str], source: Source, *, title: str = "") -> dict:
    """One file as one document: ``title`` (else the first non-blank line) and the text after it."""
    kept = [line for line in lines if line]
    if not title and kept:
        title = kept[0]
    if title in kept:  # the title once, not again as the first paragraph of the text
        kept.remove(title)
    return _record(source, stem(source.path.name), 0, title, "\n\n".join(kept), "", "", [])


def nexis_records(lines: list[str], source: Source) -> list[dict]:
    """One record per article of a Nexis export: ``"<stem>:<n>"`` ids (n from 1, also the row),
    the headline as title, the outlet as source, the dateline's day as date, the paragraphs
    between ``Body`` and the trailer (``Load-Date:``, ``Classification``) as text. The cover
    page and list of results before the first article are not articles. An article without a
    ``Body`` line is an exclusion; a body much shorter than its ``Length:`` gets a note."""
    records = []
    chunks = _chunks(lines)
    for number, chunk in enumerate(chunks, start=1):
        record = _article(chunk, source, number)
        if record is not None:
            records.append(record)
    return records


def _chunks(lines: list[str]) -> list[list[str]]:
    chunks, current = [], []
    for line in lines:
        if line.strip().lower() == _END:
            chunks.append(current)
            current = []
        else:
            current.append(line.strip())
    if any(current):  # text after the last "End of Document": an article cut off, or a trailer
        chunks.append(current)
    return chunks


def _article(chunk: list[str], source: Source, number: int) -> dict | None:
    lowered = [line.lower() for line in chunk]
    if _BODY not in lowered:
        source.exclude(source.display, number, "Nexis article without a 'Body' line")
        return None
    body_at = lowered.index(_BODY)
    header = [line for line in chunk[:body_at] if line]
    # The last dateline before Body: a cover page's list of results may hold datelines too.
    dated = next((i for i in reversed(range(len(header))) if _DATELINE.match(header[i])), None)
    if dated is not None:
        date_raw = _DATELINE.match(header[dated]).group(1)
        outlet = header[dated - 1] if dated >= 1 else ""
        title = header[dated - 2] if dated >= 2 else outlet
    else:
        date_raw, title = "", header[0] if header else ""
        outlet = header[1] if len(header) > 1 else ""
    body = []
    for line in chunk[body_at + 1 :]:
        if _TRAILER.match(line):
            break
        if line:
            body.append(line)
    notes = [] if dated is not None else ["no dateline found in the Nexis article header"]
    length = next((m.group(1) for m in map(_LENGTH.search, header) if m), "")
    if length:
        stated, counted = int(length.replace(",", "")), sum(len(b.split()) for b in body)
        if counted < 0.8 * stated:
            notes.append(f"body has {counted} words, the export says 'Length: {length} words'")
    text = "\n\n".join(body)
    record = _record(
        source, f"{stem(source.path.name)}:{number}", number, title, text, date_raw, outlet, notes
    )
    trailer = (line for line in chunk[body_at + 1 :] if line.lower().startswith("language:"))
    return record | {"language": next(trailer, ":").split(":", 1)[1].strip()}


def _record(
    source: Source, base_id: str, row: int, title: str, text: str, date_raw: str, outlet: str,
    notes: list[str],
) -> dict:  # fmt: skip
    return {
        "base_id": base_id,
        "path": source.display,
        "row": row,
        "title": title,
        "text": text,
        "date_raw": date_raw,
        "date_origin": "field" if date_raw else "",
        "source": outlet,
        "url": "",
        "notes": notes,
        "date_note": "Nexis dateline" if date_raw else "",
    }
