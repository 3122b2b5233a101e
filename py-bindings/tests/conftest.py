"""Shared fixtures: where the repository and its data are."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_BUNDLE = REPO_ROOT / "examples" / "bundle"
BROKEN_BUNDLE = REPO_ROOT / "tests" / "fixtures" / "broken-bundle"
VECTORS = REPO_ROOT / "tests" / "vectors"
OULAD = REPO_ROOT.parent / "shared" / "data" / "oulad"


@pytest.fixture
def in_repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from the repository root, as the documentation examples
    assume."""
    monkeypatch.chdir(REPO_ROOT)
    return REPO_ROOT
