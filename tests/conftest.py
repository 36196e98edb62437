"""Test-suite wide set-up: tests address repository files by relative path (config/, data/)."""
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _run_from_repository_root():
    old = os.getcwd()
    os.chdir(REPO)
    yield
    os.chdir(old)
