"""Sources and stores by URL: a corpus folder on S3 (a local moto server) loads as it does from
disk, a Parquet store written to S3 is read back by the Dask engine, and HTTP files and folder
listings load too (a local http.server). Nothing leaves 127.0.0.1."""

from __future__ import annotations

import copy
import functools
import http.server
import shutil
import socket
import threading
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, SMALL_GAZETTEER
from pandas.testing import assert_frame_equal

from analysis import store
from analysis.api import (
    cached_mentions,
    find_mentions,
    load_corpus,
    mentions_over_time,
    set_storage_options,
)
from analysis.errors import InputError
from analysis.gazetteer import load_gazetteer

pytestmark = pytest.mark.filterwarnings("ignore::analysis.corpus.CorpusWarning")

MIXED = FIXTURES / "corpus" / "mixed"
MIXED_DOCUMENTS = 12
"""Counted by hand: 12 documents in the fixture folder (notes.odt is not a supported type)."""
BUCKET = "news"
SMALL = load_gazetteer(SMALL_GAZETTEER)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A moto S3 server on 127.0.0.1 with bucket ``news``; fsspec pointed at it."""
    moto_server = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    pytest.importorskip("s3fs", reason="s3fs is not installed")
    import fsspec.config

    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    try:
        server.start()
    except Exception as error:  # noqa: BLE001 - any failure to start is a reason to skip
        pytest.skip(f"the local S3 server (moto) could not start on 127.0.0.1:{port}: {error}")
    saved = copy.deepcopy(fsspec.config.conf)
    endpoint = f"http://127.0.0.1:{port}"
    set_storage_options(
        "s3",
        endpoint_url=endpoint,
        key="testing",
        secret="testing",
        config_kwargs={"connect_timeout": 5, "read_timeout": 20, "retries": {"max_attempts": 1}},
    )
    try:
        import fsspec

        fs = fsspec.filesystem("s3")
        fs.mkdir(BUCKET)
        fs.put(str(MIXED), f"{BUCKET}/corpus", recursive=True)
        yield fs
    finally:
        fsspec.config.conf.clear()
        fsspec.config.conf.update(saved)
        server.stop()


@pytest.fixture(scope="module")
def local_mixed() -> pd.DataFrame:
    return load_corpus(MIXED)


def as_url(frame: pd.DataFrame, local: str, url: str) -> pd.DataFrame:
    """The local result with the folder's path replaced by its URL, where paths appear."""
    expected = frame.copy()
    expected["path"] = expected["path"].str.replace(local, url, regex=False)
    attrs = copy.deepcopy(frame.attrs)
    for entry in attrs["excluded"]:
        entry["path"] = entry["path"].replace(local, url)
    attrs["source"] = url
    attrs["metadata"] = attrs["metadata"].replace(local, url)
    expected.attrs = attrs
    return expected


def test_a_folder_on_s3_loads_as_from_disk(s3, local_mixed):
    url = f"s3://{BUCKET}/corpus"
    documents = load_corpus(url)
    assert len(documents) == MIXED_DOCUMENTS
    row = documents.set_index("doc_id").loc["alpha"]
    assert row["path"] == f"s3://{BUCKET}/corpus/alpha.txt"
    assert documents.attrs["metadata"] == f"s3://{BUCKET}/corpus/metadata.csv"
    excluded = {(e["path"], e["row"]) for e in documents.attrs["excluded"]}
    assert (f"{url}/items.jsonl", 3) in excluded and (f"{url}/items.json", 2) in excluded
    assert_frame_equal(documents, as_url(local_mixed, str(MIXED), url))
    assert documents.attrs == as_url(local_mixed, str(MIXED), url).attrs


def test_a_file_on_s3_and_missing_urls(s3):
    documents = load_corpus(f"s3://{BUCKET}/corpus/alpha.txt")
    assert documents["doc_id"].tolist() == ["alpha"]
    assert documents["path"].tolist() == [f"s3://{BUCKET}/corpus/alpha.txt"]
    with pytest.raises(InputError, match=rf"^s3://{BUCKET}/nothing: no such file or folder$"):
        load_corpus(f"s3://{BUCKET}/nothing")
    s3.pipe_file(f"{BUCKET}/odd/data.bin", b"\x00\x01")
    unsupported = r"^s3://news/odd/data\.bin: unsupported file type '\.bin'"
    with pytest.raises(InputError, match=unsupported):
        load_corpus(f"s3://{BUCKET}/odd/data.bin")


def test_a_store_on_s3_read_by_dask(s3, local_mixed, tmp_path):
    from distributed import Client

    url = f"s3://{BUCKET}/stores/mixed"
    local_store = store.write_corpus_store(local_mixed, tmp_path / "store", file_bytes=300)
    assert store.write_corpus_store(local_mixed, url, file_bytes=300) == url
    manifest = store.read_manifest(url)
    assert manifest["rows"] == MIXED_DOCUMENTS
    assert manifest["corpus_hash"] == store.read_manifest(local_store)["corpus_hash"]
    assert len(manifest["files"]) == len(store.read_manifest(local_store)["files"]) > 2
    assert store.is_corpus_store(url) and not store.is_corpus_store(f"s3://{BUCKET}/corpus")

    expected_mentions = find_mentions(local_mixed, SMALL)
    assert len(expected_mentions) > 0
    # One worker process: it has no S3 settings of its own, so this checks that the client's
    # storage options travel with the tasks.
    with Client(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        from_s3 = load_corpus(url, engine="dask", client=c)
        assert_frame_equal(from_s3, local_mixed)
        assert from_s3.attrs == local_mixed.attrs
        mentions = find_mentions(url, SMALL, engine="dask", client=c)
        assert_frame_equal(mentions, expected_mentions)
        assert_frame_equal(
            mentions_over_time(mentions, url, freq="M", engine="dask", client=c),
            mentions_over_time(expected_mentions, local_mixed, freq="M"),
        )
    assert_frame_equal(load_corpus(url), local_mixed)  # and the pandas engine

    # The mentions cache lives beside the store, on S3, one object per key.
    assert_frame_equal(cached_mentions(url, SMALL), expected_mentions)
    (cache,) = s3.glob(f"{BUCKET}/stores/mixed.mentions/*.parquet")
    assert cache.endswith(f"-{SMALL.hash}-plain.parquet")
    assert_frame_equal(store.read_cached_mentions(f"s3://{cache}"), expected_mentions)


def test_replacing_a_store_on_s3_commits_with_the_manifest(s3, local_mixed):
    url = f"s3://{BUCKET}/stores/replaced"
    store.write_corpus_store(local_mixed, url, file_bytes=300)
    first = {f"{BUCKET}/stores/replaced/{e['path']}" for e in store.read_manifest(url)["files"]}
    smaller = local_mixed.iloc[:3].copy()
    store.write_corpus_store(smaller, url)
    second = {f"{BUCKET}/stores/replaced/{e['path']}" for e in store.read_manifest(url)["files"]}
    assert not first & second  # new files under new names: the old manifest's stay intact
    left = set(s3.find(f"{BUCKET}/stores/replaced"))
    assert left == second | {f"{BUCKET}/stores/replaced/{store.MANIFEST}"}  # old ones deleted
    assert len(store.read_corpus_store(url)) == 3
    # A prefix holding other objects is not a store and is never overwritten.
    with pytest.raises(InputError, match=r"corpus: exists and is not a corpus store"):
        store.write_corpus_store(smaller, f"s3://{BUCKET}/corpus")


# --- report from s3:// ---------------------------------------------------------------------------

REPORT_CORPUS = FIXTURES / "remote_report"
REPORT_DOCUMENTS = 4
"""Counted by hand: three .txt files and one .html page."""
REPORT_HIMARS = 4
"""Counted by hand: 'HIMARS' twice in 01-launchers.txt, once in the article of 03-bridge.html
(its navigation link and footer also say HIMARS: boilerplate, not counted), once in 04-depot.txt."""
ONE_REPORT = """
defaults: {freq: W, normalize: count, top_n: 8}
reports:
  - {name: over-time, notebook: 02-mentions-over-time.ipynb, title: Over time}
"""


@pytest.mark.notebooks
def test_report_renders_from_s3_with_options_set_in_python(s3, tmp_path):
    """``render_reports("s3://...")``: the URL reaches the batch's child process and the
    kernels as a URL, and so do the options given to set_storage_options (no environment
    variable names the moto server here)."""
    from analysis import config, report

    s3.put(str(REPORT_CORPUS), f"{BUCKET}/report-corpus", recursive=True)
    url = f"s3://{BUCKET}/report-corpus"
    registry = tmp_path / "reports.yml"
    registry.write_text(ONE_REPORT)
    (result,) = report.render_reports(
        url, registry=registry, out=tmp_path / "out", notebooks_dir=config.NOTEBOOKS_DIR
    )
    assert (result.spec.name, result.status, result.error) == ("over-time", "ok", "")
    mentions = pd.read_csv(tmp_path / "out" / "over-time" / "mentions.csv")
    assert (mentions["entity_id"] == "himars").sum() == REPORT_HIMARS
    assert set(mentions["doc_id"]) <= {"01-launchers", "02-talks", "03-bridge", "04-depot"}
    page = result.path.read_text(encoding="utf-8")
    assert f"<code>{url}</code> ({REPORT_DOCUMENTS} unique)" in page
    assert f"<code>{url}</code>" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


def test_report_command_takes_an_s3_url_with_options_from_the_environment(s3, tmp_path):
    """``python -m analysis report s3://...`` in a fresh process configured only by
    FSSPEC_S3 (JSON): a missing folder is refused before anything renders, naming the URL."""
    import json
    import os
    import subprocess
    import sys

    import fsspec.config

    environment = {**os.environ, "FSSPEC_S3": json.dumps(fsspec.config.conf["s3"])}
    command = [sys.executable, "-m", "analysis", "report", f"s3://{BUCKET}/nothing"]
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "out")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert f"s3://{BUCKET}/nothing: no such file or folder" in done.stderr
    assert not (tmp_path / "out").exists()


def test_storage_options_set_in_python_are_given_to_child_processes():
    import fsspec.config

    from analysis.files import storage_environment

    saved = copy.deepcopy(fsspec.config.conf)
    try:
        set_storage_options("memory", skip_instance_cache=True, retries={"max": 2})
        environment = storage_environment("memory://x/y", "/local/path", Path("s3:/not-a-url"))
        assert list(environment) == ["FSSPEC_MEMORY"]
        parsed: dict = {}
        fsspec.config.set_conf_env(parsed, environment)  # what the child's fsspec does
        assert parsed == {"memory": {"skip_instance_cache": True, "retries": {"max": 2}}}
        set_storage_options("memory", session=object())
        with pytest.warns(UserWarning, match=r"storage option memory\.session \(object\)"):
            assert "session" not in storage_environment("memory://x")["FSSPEC_MEMORY"]
    finally:
        fsspec.config.conf.clear()
        fsspec.config.conf.update(saved)


# --- gs:// and other fsspec URLs, in memory ----------------------------------------------------


@pytest.fixture
def fake_gcs():
    """``gs://`` served from memory: gcsfs (which the real gs:// goes through) has no local
    server to test against, so this checks our handling of the URLs, not Google's API."""
    from fsspec.implementations.memory import MemoryFileSystem
    from fsspec.registry import _registry, register_implementation

    class FakeGCS(MemoryFileSystem):
        protocol = ("gs", "gcs")
        store: dict = {}
        pseudo_dirs = [""]

        @classmethod
        def _strip_protocol(cls, path):
            return super()._strip_protocol(str(path).removeprefix("gs://"))

    saved = dict(_registry)
    register_implementation("gs", FakeGCS, clobber=True)
    try:
        fs = FakeGCS()
        fs.put(str(MIXED), "news/corpus", recursive=True)
        yield fs
    finally:
        FakeGCS.clear_instance_cache()
        _registry.clear()
        _registry.update(saved)


def test_a_folder_and_a_store_on_gs(fake_gcs, local_mixed):
    url = "gs://news/corpus"
    documents = load_corpus(url)
    assert len(documents) == MIXED_DOCUMENTS
    assert documents.set_index("doc_id").loc["alpha", "path"] == f"{url}/alpha.txt"
    assert documents.attrs["metadata"] == f"{url}/metadata.csv"
    assert_frame_equal(documents, as_url(local_mixed, str(MIXED), url))
    assert documents.attrs == as_url(local_mixed, str(MIXED), url).attrs

    stored = "gs://news/stores/mixed"
    assert store.write_corpus_store(local_mixed, stored, file_bytes=300) == stored
    assert store.is_corpus_store(stored) and not store.is_corpus_store(url)
    assert_frame_equal(load_corpus(stored), local_mixed)
    assert_frame_equal(cached_mentions(stored, SMALL), find_mentions(local_mixed, SMALL))
    assert fake_gcs.glob("news/stores/mixed.mentions/*.parquet")


def test_a_file_in_memory_by_url():
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe_file("/in-memory/alpha.txt", (MIXED / "alpha.txt").read_bytes())
    try:
        documents = load_corpus("memory://in-memory/alpha.txt")
        assert documents["doc_id"].tolist() == ["alpha"]
        assert documents["path"].tolist() == ["memory://in-memory/alpha.txt"]
        assert documents["text"].tolist() == load_corpus(MIXED / "alpha.txt")["text"].tolist()
    finally:
        fs.rm("/in-memory", recursive=True)


# --- HTTP --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def http_root(tmp_path_factory):
    """A local http.server over a copy of the fixture folder (its index pages list files)."""
    root = tmp_path_factory.mktemp("www")
    shutil.copytree(MIXED, root / "corpus")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))

    class Quiet(handler.func):  # type: ignore[name-defined]
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root))
    )
    server.timeout = 5
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_files_and_folders_over_http(http_root, local_mixed):
    pytest.importorskip("aiohttp", reason="fsspec's HTTP file system needs aiohttp")
    one = load_corpus(f"{http_root}/corpus/alpha.txt")
    assert one["doc_id"].tolist() == ["alpha"]
    assert one["path"].tolist() == [f"{http_root}/corpus/alpha.txt"]
    url = f"{http_root}/corpus/"
    folder = load_corpus(url)
    assert len(folder) == MIXED_DOCUMENTS
    assert_frame_equal(folder, as_url(local_mixed, str(MIXED), url.rstrip("/")))
    with pytest.raises(InputError, match=r"missing\.txt: no such file or folder"):
        load_corpus(f"{http_root}/corpus/missing.txt")


def test_local_paths_are_not_urls(tmp_path):
    from analysis.files import is_url, join

    assert is_url("s3://b/k") and is_url("https://h/x") and not is_url("C:\\data\\x")
    assert not is_url(Path("s3:/b/k")) and not is_url("relative/s3://")
    assert join("s3://b/store/", "_manifest.json") == "s3://b/store/_manifest.json"
    assert join(tmp_path, "x") == tmp_path / "x"


def test_an_unknown_or_missing_file_system_is_an_input_error():
    import importlib.util

    with pytest.raises(InputError, match=r"^foo://bucket/x: Protocol not known: foo$"):
        load_corpus("foo://bucket/x")
    with pytest.raises(InputError, match=r"^foo://b/s/_manifest\.json: Protocol not known: foo$"):
        store.read_corpus_store("foo://b/s")
    if importlib.util.find_spec("gcsfs") is None:
        with pytest.raises(InputError, match=r"^gs://bucket/x: .*install gcsfs"):
            load_corpus("gs://bucket/x")
