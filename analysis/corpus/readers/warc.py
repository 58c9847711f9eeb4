"""Web archives: WARC and ARC files, gzipped or not (warcio), read as a stream.

Every HTML response becomes a document through the page reader
(:func:`analysis.corpus.readers.html.parse_page`): the archive's target URI is its url, the
charset of the HTTP header wins over the page's own, and the capture day (``WARC-Date``) is its
date when the page has none. Requests, metadata, revisits and the archive's own info records are
not documents and are passed over; a response that is not HTML, not a success, too big, or gives
no article text is an exclusion with its reason (``row`` numbers the archive's records from 1).
Records are read one at a time, so memory stays bounded whatever the archive's size; the
documents are handed on lazily, as the collector batches them. An archive gzipped record by
record (the standard) is read as it is; one gzipped as a whole file is read through gzip's
stream, which warcio refuses to do itself.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator

from analysis.corpus.readers.base import Source, stem
from analysis.corpus.readers.html import NotAnArticle, page_record, parse_page
from analysis.errors import InputError

MAX_PAGE_BYTES = 20_000_000  # an HTML response larger than this is an exclusion, never read
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PASSED_OVER = {"warcinfo", "request", "metadata", "revisit", "conversion", "continuation"}


def read_warc(source: Source) -> Iterator[dict]:
    """A ``.warc``/``.arc`` file (``.gz`` too): one document per HTML response record.

    The first record is read at once, so a file that is no archive raises
    :class:`~analysis.errors.InputError` naming it; a fault further on is an exclusion saying
    after which record the archive could not be read.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        start = _start(source.path)
        stream = open(source.path, "rb")  # noqa: SIM115 - closed by the generator
    except (OSError, EOFError) as error:
        raise InputError(f"{source.display}: unreadable ({error})") from None
    if not start.startswith((b"WARC/", b"filedesc://")):
        raise InputError(f"{source.display}: not a WARC or ARC archive (starts {start[:12]!r})")
    records = ArchiveIterator(stream, arc2warc=True)
    try:
        first = next(records, None)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        stream.close()
        raise InputError(f"{source.display}: not a WARC or ARC archive ({error})") from None
    if first is None:
        stream.close()
        raise InputError(f"{source.display}: an empty archive")
    return _documents(source, stream, records, first)


def _documents(source: Source, stream, records, first) -> Iterator[dict]:
    from warcio.exceptions import ArchiveLoadFailed

    base, row, whole = stem(source.path.name), 1, False  # row: the record being read
    try:
        record = first
        while record is not None:
            document = _document(source, record, base, row)
            if document is not None:
                yield document
            row += 1
            try:
                record = next(records, None)
            except ArchiveLoadFailed as error:
                if whole or _WHOLE_FILE_GZIP not in str(error):
                    raise
                # Gzipped as one whole file, not record by record: read it again through
                # gzip's stream (bounded memory too), past the records already read.
                stream.close()
                stream, whole = _WholeGzip(source.path), True
                records = _records_after(stream, row - 1)
                record = next(records, None)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        reason = " ".join(str(error).split())  # warcio's messages run over several lines
        source.exclude(source.display, row, f"archive unreadable after record {row - 1}: {reason}")
    finally:
        stream.close()


_WHOLE_FILE_GZIP = "non-chunked gzip file detected"  # warcio, at a whole-file gzip's 2nd record


class _WholeGzip:
    """A whole-file gzip's decompressed stream (members one after another), for warcio,
    whose reader takes an EOFError for the archive's end: a stream that ends inside a member
    gives what it holds, then :class:`_Truncated`. At most 64 kB of input and 1 MB of output
    are decompressed at a time, whatever the compression ratio."""

    _IN, _OUT = 1 << 16, 1 << 20

    def __init__(self, path) -> None:
        import zlib

        self._zlib = zlib
        self._raw = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._inflate = zlib.decompressobj(wbits=31)
        self._buffer, self._start = b"", 0  # decompressed, and how much of it is handed out
        self._offset = 0  # decompressed bytes handed out in all
        self._cut = False  # the input ended inside a member

    def read(self, size: int = -1) -> bytes:
        while (size < 0 or len(self._buffer) - self._start < size) and self._fill():
            pass
        if self._start >= len(self._buffer) and self._cut:
            raise _Truncated("the gzip stream ends early")
        end = len(self._buffer) if size < 0 else self._start + size
        data = self._buffer[self._start : end]  # a copy of what is read, not of what is left
        self._start += len(data)
        self._offset += len(data)
        return data

    def _fill(self) -> bool:
        """Up to 1 MB more decompressed into the buffer; False at the end of the input."""
        inflate = self._inflate
        if inflate.eof:  # the next member, if another follows (not trailing padding)
            data = inflate.unused_data
            while len(data) < 2:  # none, or a header cut by the last read
                more = self._raw.read(self._IN)
                if not more:
                    break
                data += more
            if not data.startswith(b"\x1f\x8b"):
                return False  # the end, or padding after the last member (as gzip -d ignores)
            self._inflate = inflate = self._zlib.decompressobj(wbits=31)
        else:
            data = inflate.unconsumed_tail or self._raw.read(self._IN)
            if not data:
                self._cut = True
                return False
        try:
            self._buffer = self._buffer[self._start :] + inflate.decompress(data, self._OUT)
            self._start = 0
        except self._zlib.error as error:
            raise _Truncated(f"damaged gzip data ({error})") from None
        return True

    def tell(self) -> int:
        return self._offset

    def close(self) -> None:
        self._raw.close()


def _records_after(stream, done: int):
    """warcio's records of ``stream`` after its first ``done``."""
    from warcio.archiveiterator import ArchiveIterator

    records = iter(ArchiveIterator(stream, arc2warc=True))
    for _ in range(done):
        next(records, None)
    return records


def _start(path) -> bytes:
    """The archive's first bytes, looking through gzip (warcio reads any text as an ARC)."""
    with open(path, "rb") as raw:
        head = raw.read(2)
    opener = gzip.open if head == b"\x1f\x8b" else open
    with opener(path, "rb") as stream:
        return stream.read(16).lstrip()


class _Truncated(ValueError):
    """The archive ends inside a record."""


def _document(source: Source, record, base: str, row: int) -> dict | None:
    kind = record.rec_type
    if kind is None:
        raise _Truncated("a damaged or truncated record")
    if kind in _PASSED_OVER:
        return None
    headers = record.http_headers
    if kind == "response" and headers is not None:
        status = headers.get_statuscode() or ""
        content_type = headers.get_header("Content-Type") or ""
    else:  # a "resource" record, or a response without HTTP headers
        status, content_type = "200", record.rec_headers.get_header("Content-Type") or ""
    display = source.display
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    mime = content_type.split(";")[0].strip().lower()
    if not status.startswith("2"):
        source.exclude(display, row, f"HTTP {status or 'status missing'} response for {uri}")
        return None
    if mime and mime not in _HTML_TYPES:
        source.exclude(display, row, f"not an HTML page ({mime}) at {uri}")
        return None
    data = record.content_stream().read(MAX_PAGE_BYTES + 1)
    if len(data) <= MAX_PAGE_BYTES and getattr(record.raw_stream, "limit", 0) > 0:
        raise _Truncated(f"the record of {uri} is cut short")
    if len(data) > MAX_PAGE_BYTES:
        source.exclude(display, row, f"HTML page over {MAX_PAGE_BYTES // 1_000_000} MB at {uri}")
        return None
    if not mime and b"<html" not in data[:2048].lower():
        source.exclude(display, row, f"no content type, and not an HTML page, at {uri}")
        return None
    captured = (record.rec_headers.get_header("WARC-Date") or "")[:10]
    try:
        page = parse_page(data, url=uri, charset=_charset(content_type), fallback_date=captured)
    except NotAnArticle as error:
        source.exclude(display, row, f"{error} at {uri}")
        return None
    page.url = uri or page.url
    return page_record(page, base_id=f"{base}:{row}", path=display, row=row)


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
