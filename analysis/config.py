"""Every default path of the project, in one place.

Nothing else in the package builds paths like ``"../seeds"`` by hand: it asks this module.
Each location can be overridden with an environment variable, so a user can point the
notebooks and the command line at their own corpus without editing code.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = PACKAGE_DIR / "data"
PROJECT_ROOT = PACKAGE_DIR.parent


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


SEEDS_DIR = _env_path("NEWS_MENTIONS_SEEDS", PROJECT_ROOT / "seeds")
SEEDS_METADATA = SEEDS_DIR / "metadata.csv"
REPORTS_DIR = _env_path("NEWS_MENTIONS_REPORTS", PROJECT_ROOT / "reports")
NOTEBOOKS_DIR = _env_path("NEWS_MENTIONS_NOTEBOOKS", PROJECT_ROOT / "notebooks")
CACHE_DIR = _env_path("NEWS_MENTIONS_CACHE", PROJECT_ROOT / ".cache")

DEFAULT_GAZETTEER = DATA_DIR / "gazetteer"  # a folder of theme files, read as one
REPORT_REGISTRY = DATA_DIR / "reports.yml"
ACTION_VERBS = DATA_DIR / "action_verbs.yml"
STYLE_SHEET = PACKAGE_DIR / "report.mplstyle"

# The shared real-world corpora live beside the project, never inside it.
CORPORA_DIR = _env_path("NEWS_MENTIONS_CORPORA", PROJECT_ROOT.parent / "shared" / "corpora")
WHITEHOUSE_CORPUS = CORPORA_DIR / "whitehouse_briefings.jsonl.gz"
