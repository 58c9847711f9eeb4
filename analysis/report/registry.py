"""The report registry: which notebook renders to which page, with which parameters.

One YAML file (``config.REPORT_REGISTRY``, or the user's own) lists the reports; an entry may
fan out into a batch (one report per entity group, say). Everything that can be wrong with it
(a malformed entry, a repeated name, a missing notebook, a parameter the notebook does not
declare) is found here, before any kernel starts, and named by file, entry and field.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis import config
from analysis.errors import InputError

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

# Notebook parameters the command line sets for every report (the registry sets the others).
SOURCE_PARAMETERS = ("corpus", "metadata", "gazetteer")
# Set by the renderer for the notebooks that declare them: the batch's corpus store and mentions
# cache (the corpus is parsed once per batch), and the report's data folder.
BATCH_PARAMETERS = ("store", "mentions_cache", "exports")
# What `report --freq ... --include-classes` may set for every report (overriding the registry).
SELECTION_PARAMETERS = ("freq", "start", "end", "entities", "kinds", "top_n", "include_classes")


@dataclass(frozen=True)
class ReportSpec:
    """One report: a notebook, the HTML file name it renders to, and its parameters."""

    name: str
    notebook: str
    title: str
    parameters: dict[str, Any] = field(default_factory=dict)


def load_registry(path: str | os.PathLike[str] | None = None) -> list[ReportSpec]:
    """Read a report registry (YAML).

    Parameters
    ----------
    path : path-like, optional
        Default: ``analysis/data/reports.yml``. The file holds ``defaults`` (parameters given
        to every report) and ``reports``: a list of ``{name, notebook, title, parameters}``;
        an entry with ``batch`` (a list of ``{name, title, parameters}``) becomes one report per
        item, named ``<entry name>-<item name>``, its parameters merged over the entry's.

    Returns
    -------
    list of ReportSpec, in file order.

    Raises
    ------
    InputError
        Naming the file, the entry and the field, for anything malformed or a repeated name.
    """
    path = Path(path) if path else config.REPORT_REGISTRY
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise InputError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: not UTF-8 text (offset {error.start}); a binary file?") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("reports"), list):
        raise InputError(f"{path}: field 'reports': expected a list of reports")
    defaults = raw.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise InputError(f"{path}: field 'defaults': expected a mapping of parameters")
    specs: list[ReportSpec] = []
    for number, entry in enumerate(raw["reports"], start=1):
        where = f"{path}: report {number}"
        if not isinstance(entry, dict):
            raise InputError(f"{where}: expected a mapping with name, notebook and parameters")
        unknown = set(entry) - {"name", "notebook", "title", "parameters", "batch"}
        if unknown:
            raise InputError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        for required in ("name", "notebook"):
            if not entry.get(required):
                raise InputError(f"{where}: field '{required}' is missing")
        parameters = {**defaults, **_mapping(entry.get("parameters"), f"{where}: 'parameters'")}
        items = entry.get("batch")
        if items is None:
            specs.append(_spec(entry, entry["name"], parameters, where))
            continue
        if not isinstance(items, list) or not items:
            raise InputError(f"{where}: field 'batch': expected a non-empty list")
        for item_number, item in enumerate(items, start=1):
            item_where = f"{where}, batch item {item_number}"
            if not isinstance(item, dict) or not item.get("name"):
                raise InputError(f"{item_where}: field 'name' is missing")
            extra = _mapping(item.get("parameters"), f"{item_where}: 'parameters'")
            merged = {**parameters, **extra}
            title = item.get("title") or f"{entry.get('title') or entry['name']}: {item['name']}"
            specs.append(
                _spec(
                    {**entry, "title": title}, f"{entry['name']}-{item['name']}", merged, item_where
                )
            )
    seen: set[str] = set()
    for spec in specs:
        if spec.name in seen:
            raise InputError(f"{path}: report name {spec.name!r} is used twice")
        seen.add(spec.name)
    return specs


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{where}: expected a mapping of parameter: value")
    return dict(value)


def _spec(entry: dict, name: str, parameters: dict[str, Any], where: str) -> ReportSpec:
    name = str(name)
    if not NAME_PATTERN.match(name):
        raise InputError(
            f"{where}: field 'name': {name!r} is not a file name (letters, digits, . _ -)"
        )
    return ReportSpec(
        name=name,
        notebook=str(entry["notebook"]),
        title=str(entry.get("title") or name),
        parameters=parameters,
    )


def locate_notebook(spec: ReportSpec, notebooks: Path, registry_dir: Path) -> Path:
    """The notebook of a report: in the notebooks folder, else beside the registry file."""
    for folder in (notebooks, registry_dir):
        path = (folder / spec.notebook).resolve()
        if path.exists():
            return path
    raise FileNotFoundError(
        f"{notebooks / spec.notebook}: notebook of report {spec.name!r} not found"
    )


def check_parameters(
    specs: Sequence[ReportSpec], located: Mapping[str, Path]
) -> dict[str, set[str]]:
    """Every report's parameters are in its notebook's parameters cell (typos fail early).

    Returns
    -------
    dict : report name -> the parameters its notebook declares.
    """
    import papermill

    known: dict[Path, set[str]] = {}
    declared: dict[str, set[str]] = {}
    for spec in specs:
        path = located[spec.name]
        if path not in known:
            known[path] = set(papermill.inspect_notebook(str(path)))
        declared[spec.name] = known[path]
        unknown = set(spec.parameters) - known[path] - set(SOURCE_PARAMETERS)
        if unknown:
            raise InputError(
                f"report {spec.name!r}: parameter(s) {', '.join(sorted(unknown))} are not in "
                f"{spec.notebook}'s parameters cell"
            )
    return declared
