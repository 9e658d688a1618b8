"""Shared test fixtures: paths to the sample corpus and a small fact sheet built in code."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def shared_corpus() -> Path:
    """The third-party sample corpus beside the project; skip when it is not there."""
    if not (SHARED_CORPUS / "sources.yaml").exists():
        pytest.skip(f"sample corpus not found at {SHARED_CORPUS} (CI has it beside the project)")
    return SHARED_CORPUS


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Keep ingestion's cache out of the working tree during tests."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(autouse=True)
def _restore_logging():
    """The CLI installs its own stderr handler on the "briefgen" logger; undo it per test
    so caplog in later tests still sees warnings."""
    import logging

    logger = logging.getLogger("briefgen")
    saved = (logger.handlers[:], logger.level, logger.propagate)
    yield
    logger.handlers[:], logger.level, logger.propagate = saved


def pytest_addoption(parser):
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/ from the current templates (review the diff).",
    )


def pytest_configure(config):
    import os

    if config.getoption("--update-golden", default=False):
        os.environ["BRIEFGEN_UPDATE_GOLDEN"] = "1"
