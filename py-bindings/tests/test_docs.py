"""The examples in docstrings, the README and docs/python.md run as
doctests, so the documentation cannot drift from the code."""

from __future__ import annotations

import doctest
import importlib
import inspect
import io
import re
from pathlib import Path

import pytest

import xuetong
from conftest import REPO_ROOT

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
# The exceptions' docstrings run with the module `xuetong`, which they name
# as their module.
PYTHON_MODULES = [
    "xuetong",
    "xuetong._engines",
    "xuetong._reports",
    "xuetong._season",
    "xuetong.dataframe",
    "xuetong.schemas",
]
NATIVE = [
    name
    for name, value in vars(xuetong._core).items()
    if not name.startswith("_") and (inspect.isclass(value) or callable(value))
]
DOCUMENTS = ["README.md", "docs/python.md"]


def run(test: doctest.DocTest) -> None:
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    output = io.StringIO()
    runner.run(test, out=output.write)
    assert runner.failures == 0, output.getvalue()


@pytest.mark.parametrize("module_name", PYTHON_MODULES)
def test_python_module_examples(module_name: str, in_repo_root: Path) -> None:
    module = importlib.import_module(module_name)
    tests = doctest.DocTestFinder().find(module, module_name)
    assert any(test.examples for test in tests), f"{module_name} has no examples"
    for test in tests:
        run(test)


@pytest.mark.parametrize("name", NATIVE)
def test_native_docstring_examples(name: str, in_repo_root: Path) -> None:
    value = getattr(xuetong._core, name)
    docstring = inspect.getdoc(value) or ""
    assert docstring, f"xuetong._core.{name} has no docstring"
    test = doctest.DocTestParser().get_doctest(docstring, {}, name, f"xuetong._core.{name}", 0)
    if inspect.isclass(value):
        assert test.examples, f"class {name} has no example in its docstring"
    run(test)


def python_blocks(text: str) -> str:
    """The ```python blocks of a Markdown text, joined, for doctest."""
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    return "\n".join(blocks)


@pytest.mark.parametrize("document", DOCUMENTS)
def test_document_examples(document: str, in_repo_root: Path) -> None:
    text = python_blocks((REPO_ROOT / document).read_text(encoding="utf-8"))
    test = doctest.DocTestParser().get_doctest(text, {}, document, document, 0)
    assert test.examples, f"{document} has no Python examples"
    run(test)
