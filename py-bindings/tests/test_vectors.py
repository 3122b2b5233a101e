"""The shared JSON test vectors under tests/vectors, run through
xuetong.call exactly as the Rust suite runs them through the core."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

import xuetong
from conftest import REPO_ROOT, VECTORS


def load_cases() -> list[Any]:
    cases = []
    for path in sorted(VECTORS.rglob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["format"] == "xuetong.vectors/1", path
        file = path.relative_to(REPO_ROOT).as_posix()
        for case in document["cases"]:
            cases.append(pytest.param(case, id=f"{file}::{case['name']}"))
    return cases


CASES = load_cases()


def contains(expected: Any, actual: Any) -> bool:
    """The value_subset rule of tests/vectors/README.md."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and contains(value, actual[key]) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(expected) == len(actual)
            and all(contains(item, other) for item, other in zip(expected, actual))
        )
    # Python takes True for 1 and False for 0, but JSON and the Rust and
    # JavaScript runners tell them apart.
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return bool(expected == actual)


def problem_keys(problems: list[Any]) -> Counter[tuple[str, str]]:
    return Counter((problem["code"], json.dumps(list(problem["path"]))) for problem in problems)


def check(case: dict[str, Any], ok: bool, value: Any, problems: list[Any]) -> None:
    expect = case["expect"]
    assert ok == expect["ok"], problems
    if ok:
        if "value" in expect:
            assert value == expect["value"]
        if "value_subset" in expect:
            assert contains(expect["value_subset"], value), value
    else:
        assert problem_keys(problems) == problem_keys(expect["problems"])
        for expected in expect["problems"]:
            if "params" in expected:
                assert_params(expected, problems)


def assert_params(expected: dict[str, Any], problems: list[Any]) -> None:
    """Assert that a problem at the expected code and path has the listed params."""
    found = [
        problem["params"]
        for problem in problems
        if problem["code"] == expected["code"] and list(problem["path"]) == expected["path"]
    ]
    assert any(contains(expected["params"], params) for params in found), (expected, found)


def test_vectors_found() -> None:
    assert len(CASES) > 20


@pytest.mark.parametrize("case", CASES)
def test_vector_through_call(case: dict[str, Any]) -> None:
    try:
        value = xuetong.call(case["operation"], case.get("request_text", case.get("request")))
    except xuetong.ValidationError as error:
        check(case, False, None, error.errors())
    else:
        check(case, True, value, [])


@pytest.mark.parametrize("case", CASES)
def test_vector_through_json_text(case: dict[str, Any]) -> None:
    text = case.get("request_text") or json.dumps(case["request"], ensure_ascii=False)
    response = json.loads(xuetong.call_json(case["operation"], text))
    assert response["format"] == "xuetong.response/1"
    check(case, response["ok"], response.get("value"), response.get("problems", []))
