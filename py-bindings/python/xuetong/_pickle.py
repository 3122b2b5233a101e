"""Functions that pickles of xuetong's objects call to restore them.

They live in a Python module so that pickle and cloudpickle find them by
name on any worker that has xuetong installed.
"""

from __future__ import annotations

from typing import Any

from . import _core


def restore_record(kind: str, state: str) -> Any:
    """Restore a record of ``kind`` (such as ``"learner"``) from its state."""
    return _core.restore_record(kind, state)


def restore_table(data: bytes) -> _core.Table:
    """Restore a table from Arrow IPC stream bytes."""
    return _core.restore_table(data)


def restore_schema(name: str) -> _core.Schema:
    """Restore the schema of the table ``name``."""
    return _core.schema(name)


def restore_bundle(files: dict[str, bytes], report: Any) -> _core.Bundle:
    """Restore a bundle from its files and its read report."""
    return _core.restore_bundle(files, report)
