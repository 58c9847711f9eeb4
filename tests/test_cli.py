"""The command line: one parser for every subcommand, built without pandas, one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis import cli


def _modules_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True)
    return set(result.stdout.decode().split())


@pytest.mark.parametrize(
    "code",
    [
        "import analysis",
        "import analysis.cli; analysis.cli.build_parser().format_help()",
        "import analysis; analysis.__all__; dir(analysis)",
    ],
)
def test_import_and_help_load_no_pandas(code):
    loaded = _modules_after(code)
    assert not {"pandas", "numpy", "matplotlib", "pyarrow"} & loaded


def test_every_subcommand_is_in_the_help():
    help_text = cli.build_parser().format_help()
    for command in ("corpus", "gazetteer", "mentions", "timeline", "evidence", "cooccur"):
        assert command in help_text
    for command in ("discover", "report"):
        assert command in help_text


def test_literal_choices_agree_with_the_package():
    from analysis import schema, timeline

    assert cli.NORMALIZATIONS == timeline.NORMALIZATIONS
    assert cli.MIN_DOCUMENTS == timeline.MIN_DOCUMENTS
    assert cli.KINDS == schema.KINDS


def test_public_names_resolve_to_functions_not_modules():
    import analysis

    for name in analysis.__all__:
        value = getattr(analysis, name)
        assert not isinstance(value, type(sys)), f"analysis.{name} is a module"
    # A submodule imported first must not shadow a function of the same name.
    import analysis.kwic  # noqa: F401

    assert callable(analysis.evidence) and analysis.evidence.__module__ == "analysis.kwic"


def test_bad_input_is_one_line_on_stderr(capsys, tmp_path):
    code = cli.main(["timeline", str(tmp_path / "nowhere"), "--freq", "fortnight"])
    assert code == 2
    error = capsys.readouterr().err
    assert error.startswith("error: freq: unknown frequency 'fortnight'")
    assert error.count("\n") == 1


def test_warnings_name_the_callers_line_whatever_the_layers(tmp_path):
    import warnings

    import analysis

    (tmp_path / "a.txt").write_text("Title\n\nSome text about NATO.", encoding="utf-8")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        analysis.load_corpus(tmp_path)  # through api -> corpus -> summary
    assert caught and all(w.filename == __file__ for w in caught)
