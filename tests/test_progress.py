"""Progress bars: shown to people on long work, never in CI logs or in rendered reports."""

from __future__ import annotations

import os
import warnings

import pytest

from analysis import config, progress
from analysis.corpus import CorpusWarning, load_corpus
from analysis.mentions import find_mentions


@pytest.fixture
def clean_environment(monkeypatch):
    monkeypatch.delenv(progress.ENV, raising=False)
    monkeypatch.delenv("CI", raising=False)
    return monkeypatch


def test_quiet_in_ci_and_the_setting_wins(clean_environment):
    clean_environment.setenv("CI", "true")
    assert progress.enabled() is False
    clean_environment.setenv(progress.ENV, "1")
    assert progress.enabled() is True
    clean_environment.delenv("CI")
    clean_environment.setenv(progress.ENV, "0")
    assert progress.enabled() is False


def test_not_shown_when_stderr_is_a_file(clean_environment):
    # pytest captures stderr, as a log file or a pipe would: no terminal, no notebook.
    assert progress.enabled() is False
    assert progress.bar(10, "work").disable is True


def test_long_loads_and_extractions_show_bars(clean_environment, capsys):
    clean_environment.setenv(progress.ENV, "1")
    clean_environment.setattr(progress, "DELAY_SECONDS", 0)  # the seeds are not long work
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorpusWarning)
        find_mentions(load_corpus(config.SEEDS_DIR))
    shown = capsys.readouterr().err
    for label in ("reading seeds", "cleaning and fingerprinting texts", "finding mentions (text)"):
        assert label in shown


def test_json_lines_are_read_with_a_bar_and_the_same_result(clean_environment, capsys, tmp_path):
    import gzip
    import json

    path = tmp_path / "export.jsonl.gz"
    rows = [
        {"id": f"a{i}", "date": "2025-07-01", "text": f"Patriot batteries, {i}."} for i in range(50)
    ]
    with gzip.open(path, "wt", encoding="utf-8") as stream:
        stream.writelines(json.dumps(row) + "\n" for row in rows)
    quiet = load_corpus(path)
    clean_environment.setenv(progress.ENV, "1")
    clean_environment.setattr(progress, "DELAY_SECONDS", 0)
    shown = load_corpus(path)
    assert "reading export.jsonl.gz" in capsys.readouterr().err
    assert shown.equals(quiet) and len(shown) == 50


def test_report_kernels_get_no_bars_and_the_setting_comes_back(clean_environment):
    from analysis.report.render import _no_progress_bars_in_kernels

    with _no_progress_bars_in_kernels():
        assert os.environ[progress.ENV] == "0"
    assert progress.ENV not in os.environ
    clean_environment.setenv(progress.ENV, "1")
    with pytest.raises(RuntimeError), _no_progress_bars_in_kernels():
        raise RuntimeError("restored even when rendering fails")
    assert os.environ[progress.ENV] == "1"
