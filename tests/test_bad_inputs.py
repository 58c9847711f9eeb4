"""Bad inputs to the loader, one test per class of problem (issue 15), each with several
instances: the exact answer (error text, warning, exclusion reason), and every input counted:
documents in == documents out + exclusions listed. The table of answers is docs/bad-inputs.md.
"""

from __future__ import annotations

import codecs
import gzip
import os
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.corpus import load_corpus
from analysis.corpus.readers.base import decode
from analysis.errors import InputError

pytestmark = pytest.mark.filterwarnings("ignore::analysis.corpus.CorpusWarning")


def load(source, **options):
    return load_corpus(source, near_duplicates=False, **options)


def excluded(documents) -> dict[str, str]:
    """Exclusions as {path relative to the folder's parent: reason}."""
    return {entry["path"]: entry["reason"] for entry in documents.attrs["excluded"]}


def article(title: str, body: str = "Body text about NATO and Kyiv.") -> str:
    return f"{title}\n\n{body}\n"


# --- silent loss in folders ----------------------------------------------------------------------


def test_links_are_followed_once_and_loops_and_broken_links_listed(tmp_path):
    root, outside = tmp_path / "corpus", tmp_path / "elsewhere"
    (root / "real").mkdir(parents=True)
    outside.mkdir()
    (root / "real" / "a.txt").write_text(article("A"), encoding="utf-8")
    (root / "b.txt").write_text(article("B"), encoding="utf-8")
    (outside / "c.txt").write_text(article("C"), encoding="utf-8")
    (root / "ext").symlink_to(outside)  # a linked folder outside the tree: read
    (root / "alias").symlink_to(root / "real")  # a second way to a folder: once
    (root / "b-again.txt").symlink_to(root / "b.txt")  # a second way to a file: once
    (root / "loop").symlink_to(root)  # back to the top
    (root / "real" / "up").symlink_to(root / "real")  # back to itself
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    (root / "self.txt").symlink_to(root / "self.txt")  # a one-link loop
    os.mkfifo(root / "pipe.txt")  # not a file: reading it would block forever

    documents = load(root)
    assert sorted(documents["title"]) == ["A", "B", "C"]
    assert sorted(documents["path"]) == [str(root / "b.txt"), str(root / "ext" / "c.txt"),
                                         str(root / "real" / "a.txt")]  # fmt: skip
    assert excluded(documents) == {
        str(root / "alias"): f"same folder as {root / 'real'} (link)",
        str(root / "b-again.txt"): f"same file as {root / 'b.txt'} (link)",
        str(root / "loop"): f"symbolic link loop (back to {root})",
        str(root / "real" / "up"): f"symbolic link loop (back to {root / 'real'})",
        str(root / "dangling.txt"): f"broken link (to {root / 'missing.txt'})",
        str(root / "self.txt"): f"symbolic link loop (to {root / 'self.txt'})",
        str(root / "pipe.txt"): "not a regular file or folder",
    }
    # 10 entries under the folder (3 files, 6 links, a FIFO) = 3 documents + 7 exclusions.
    assert len(documents) + len(documents.attrs["excluded"]) == 10


def test_a_folder_of_nothing_but_bad_links_says_why(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    with pytest.raises(InputError) as caught:
        load(tmp_path)
    message = str(caught.value)
    assert message.startswith(f"{tmp_path}: no files to load (expected .txt, .md")
    assert message.endswith(
        f"hidden files are skipped); 2 excluded, first {tmp_path / 'gone'}: "
        f"broken link (to {tmp_path / 'nowhere'})"
    )


def test_unreadable_entries_are_exclusions(tmp_path, monkeypatch):
    root = tmp_path / "corpus"
    (root / "locked").mkdir(parents=True)
    (root / "locked" / "hidden.txt").write_text(article("Hidden"), encoding="utf-8")
    (root / "open.txt").write_text(article("Open"), encoding="utf-8")
    (root / "shut.txt").write_text(article("Shut"), encoding="utf-8")

    # Fault injection (runs as root too): the subfolder cannot be listed, the file not read.
    real_scandir, real_read = os.scandir, Path.read_bytes

    def scandir(path):
        if Path(path) == root / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def read_bytes(self):
        if self == root / "shut.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    with monkeypatch.context() as patch:
        patch.setattr(os, "scandir", scandir)
        patch.setattr(Path, "read_bytes", read_bytes)
        documents = load(root)
        with pytest.raises(InputError, match=r"^.*shut\.txt: unreadable: Permission denied$"):
            load(root / "shut.txt")  # named directly: an error, not 0 documents
    assert documents["title"].tolist() == ["Open"]
    assert excluded(documents) == {
        str(root / "locked"): "unreadable folder: Permission denied",
        str(root / "shut.txt"): "unreadable: Permission denied",
    }
    # 3 entries (a folder, two files) = 1 document + 2 exclusions; what the folder holds is
    # unseen, and the exclusion says so.
    assert len(documents) + len(documents.attrs["excluded"]) == 3
    # ... and with real permissions, where the system enforces them.
    os.chmod(root / "locked", 0)
    os.chmod(root / "shut.txt", 0)
    try:
        if os.access(root / "shut.txt", os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reads here (injected above)")
        documents = load(root)
        assert excluded(documents) == {
            str(root / "locked"): "unreadable folder: Permission denied",
            str(root / "shut.txt"): "unreadable: Permission denied",
        }
    finally:
        os.chmod(root / "locked", 0o755)
        os.chmod(root / "shut.txt", 0o644)


@pytest.mark.parametrize("source", ["", "   ", [""]])
def test_an_empty_path_is_an_error_not_the_working_folder(source):
    message = (
        "load_corpus: the source is an empty path; give a folder or file "
        "('.' for the working folder)"
    )
    with pytest.raises(InputError) as caught:
        load(source)
    assert str(caught.value) == message


# --- one bad value does not abort the folder -------------------------------------------------


def test_invalid_front_matter_dates_warn_and_the_rest_load(tmp_path):
    files = {
        "updated.md": "---\ntitle: Updated\ndate: 2025-01-03\nupdated: 2025-02-30\n---\nText.\n",
        "month.md": "---\ntitle: Month\npublished: 2025-13-01\n---\nText.\n",
        "nested.md": "---\ntitle: Nested\nhistory:\n  first: 2024-04-31\n---\nText.\n",
        "good.md": "---\ntitle: Good\ndate: 2025-01-04\n---\nText.\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    documents = load(tmp_path).set_index("title")
    assert len(documents) == 4 and documents.attrs["excluded"] == []
    assert documents.loc["Updated", "warnings"] == (
        "front matter 'updated': invalid date '2025-02-30' (day is out of range for month), "
        "kept as text"
    )
    assert str(documents.loc["Updated", "date"].date()) == "2025-01-03"
    assert documents.loc["Month", "warnings"].startswith(
        "front matter 'published': invalid date '2025-13-01' (month must be in 1..12), kept as text"
    )
    assert documents.loc["Nested", "warnings"] == (
        "front matter 'first': invalid date '2024-04-31' (day is out of range for month), "
        "kept as text"
    )
    assert documents.loc["Good", "warnings"] == ""


# --- decoding ----------------------------------------------------------------------------------


TEXT = "Kyiv’s plea to NATO\n\nThe café said: “more air defence”.\n"


def test_decoding_damage_is_repaired_with_a_note(tmp_path):
    utf8 = TEXT.encode("utf-8")
    stray_at = utf8.index(b"said")
    files = {
        "le.txt": TEXT.encode("utf-16-le"),
        "be.txt": TEXT.encode("utf-16-be"),
        "stray.txt": utf8[:stray_at] + b"\xff" + utf8[stray_at:],
        "two.txt": utf8[:stray_at] + b"\x80" + utf8[stray_at:] + b"\xfe",
        "cesu.txt": "Emoji \U0001f600 NATO\n\nbody".encode("utf-16-le")
        .decode("utf-16-le")
        .encode("utf-8", "surrogatepass")
        .replace(b"\xf0\x9f\x98\x80", b"\xed\xa0\xbd\xed\xb8\x80"),
        "nul.txt": utf8.replace(b"The", b"T\x00he", 1).replace(b"NATO", b"NA\x00TO"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    documents = load(tmp_path).set_index("doc_id")
    assert documents.attrs["excluded"] == []
    assert len(documents) == len(files)
    for name in ("le", "be", "nul"):
        assert documents.loc[name, "title"] == "Kyiv’s plea to NATO"
        assert documents.loc[name, "text"] == "The café said: “more air defence”."
    assert documents.loc["le", "warnings"] == "no byte-order mark: decoded as UTF-16-LE"
    assert documents.loc["be", "warnings"] == "no byte-order mark: decoded as UTF-16-BE"
    assert documents.loc["nul", "warnings"] == "2 NUL character(s) removed"
    assert documents.loc["stray", "text"] == "The café \ufffdsaid: “more air defence”."
    assert documents.loc["stray", "warnings"].startswith(
        f"invalid UTF-8 byte at offset {stray_at} replaced by U+FFFD"
    )
    assert documents.loc["two", "warnings"].startswith(
        f"2 invalid UTF-8 bytes at offsets {stray_at}, {len(utf8) + 1} replaced by U+FFFD"
    )
    assert documents.loc["cesu", "title"] == "Emoji \U0001f600 NATO"
    assert documents.loc["cesu", "warnings"] == (
        "UTF-8 with encoded surrogates (CESU-8): joined into characters"
    )


def test_a_bom_still_decides_and_cp1252_is_still_detected():
    assert decode(codecs.BOM_UTF16_LE + "Kyiv".encode("utf-16-le")) == ("Kyiv", [])
    text, notes = decode("Kyiv’s plea, naïve".encode("cp1252"))
    assert text == "Kyiv’s plea, naïve" and notes == ["not UTF-8: decoded as cp1252"]


def test_a_file_named_directly_must_load(tmp_path):
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    corrupt = tmp_path / "broken.txt.gz"
    corrupt.write_bytes(b"not gzip at all")
    truncated = tmp_path / "cut.md.gz"
    truncated.write_bytes(gzip.compress(article("Cut").encode())[:-12])
    expected = {
        binary: "binary file (contains NUL bytes)",
        corrupt: "unreadable: Not a gzipped file (b'no')",
        truncated: "unreadable: Compressed file ended before the end-of-stream marker was reached",
    }
    for path, reason in expected.items():
        with pytest.raises(InputError) as caught:
            load(path)
        assert str(caught.value) == f"{path}: {reason}"
    # In a folder the same files are exclusions with the same reasons.
    (tmp_path / "fine.txt").write_text(article("Fine"), encoding="utf-8")
    documents = load(tmp_path)
    assert excluded(documents) == {str(path): reason for path, reason in expected.items()}
    assert len(documents) + len(documents.attrs["excluded"]) == 4


# --- headers -----------------------------------------------------------------------------------


def test_a_date_line_that_is_not_understood_is_warned(tmp_path):
    lines = {
        "yesterday.txt": " date yesterday Ukraine talks",
        "colon.txt": "date: 2025-01-01",
        "tab.txt": "date\tJanuary 3rd",
    }
    for name, line in lines.items():
        (tmp_path / name).write_text(f"{line}\n\nBody.\n", encoding="utf-8")
    (tmp_path / "fine.txt").write_text(" date 2025-01-02 Fine\n\nBody.\n", encoding="utf-8")
    (tmp_path / "plain.txt").write_text("Date night in Kyiv\n\nBody.\n", encoding="utf-8")
    documents = load(tmp_path).set_index("doc_id")
    assert len(documents) == 5 and documents.attrs["excluded"] == []
    for name, line in lines.items():
        row = documents.loc[name.removesuffix(".txt")]
        assert row["title"] == line.strip()
        assert row["warnings"] == (
            f"date line not understood: {line.strip()!r} (expected ' date YYYY-MM-DD Title'), "
            "read as the title"
        )
        assert row["date_source"] == "missing"
    assert documents.loc["fine", "warnings"] == "" and documents.loc["fine", "title"] == "Fine"
    assert documents.loc["plain", "warnings"] == ""  # a title starting "Date" is a title


# --- anything at all ---------------------------------------------------------------------------

_TEXTS = st.text(st.characters(codec="utf-8"), max_size=200)
_ENCODINGS = st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-16-be", "cp1252", "latin-1",
                              "utf-32", "utf-8-sig", "koi8-r", "shift_jis"])  # fmt: skip


@st.composite
def _file_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["text", "bytes", "mixed"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    data = draw(_TEXTS).encode(draw(_ENCODINGS), "replace")
    if kind == "mixed":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(max_size=8)) + data[at:]
    return data[: draw(st.integers(0, len(data)))]  # truncated anywhere


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    contents=st.lists(_file_bytes(), min_size=1, max_size=4),
    suffixes=st.lists(st.sampled_from([".txt", ".md", ".txt.gz"]), min_size=4, max_size=4),
)
def test_the_loader_never_crashes_or_loses_a_file(tmp_path_factory, contents, suffixes):
    folder = tmp_path_factory.mktemp("random")
    for number, data in enumerate(contents):
        suffix = suffixes[number]
        if suffix.endswith(".gz") and number % 2:
            data = gzip.compress(data)  # half the .gz files are real gzip, the others not
        (folder / f"f{number}{suffix}").write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            documents = load(folder)
        except InputError:
            return  # a clear refusal (e.g. nothing loadable) is an allowed answer
    assert len(documents) + len(documents.attrs["excluded"]) == len(contents)
    assert all(isinstance(reason["reason"], str) and reason["reason"]
               for reason in documents.attrs["excluded"])  # fmt: skip
