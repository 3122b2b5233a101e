"""The error contract: one root, problems as data, no Rust panic."""

from __future__ import annotations

import json

import pytest

import xuetong
from xuetong import BundleError, ValidationError, XuetongError


def test_hierarchy() -> None:
    assert issubclass(ValidationError, XuetongError)
    assert issubclass(ValidationError, ValueError)
    assert issubclass(BundleError, XuetongError)
    assert issubclass(BundleError, OSError)
    assert ValidationError.__module__ == "xuetong"


def test_errors_match_the_core_problems() -> None:
    request = {"locale": "zh-CN", "input": {"id": "bad", "birth_date": "1957-02-29"}}
    raw = json.loads(xuetong.call_json("validate_learner", json.dumps(request)))
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", request)
    expected = [{**problem, "path": tuple(problem["path"])} for problem in raw["problems"]]
    assert caught.value.errors() == expected
    assert caught.value.errors()[0]["message"].startswith("id 应为 UUID")


def test_errors_returns_a_copy() -> None:
    error = ValidationError([{"code": "required", "path": ["x"], "message": "x is required"}])
    error.errors()[0]["params"]["changed"] = True
    assert error.errors() == [
        {"code": "required", "path": ("x",), "message": "x is required", "params": {}}
    ]


def test_message_lists_every_problem() -> None:
    with pytest.raises(ValidationError) as caught:
        xuetong.Learner(id="bad")
    text = str(caught.value)
    assert text.startswith("invalid learner: 2 problems")
    assert "id: id must be a UUID" in text
    assert "[required]" in text


def test_unknown_operation() -> None:
    with pytest.raises(ValidationError) as caught:
        xuetong.call("no_such_operation", {"input": {}})
    assert [problem["code"] for problem in caught.value.errors()] == ["unknown_operation"]


def test_malformed_request_text() -> None:
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", "{oops")
    assert [problem["code"] for problem in caught.value.errors()] == ["malformed_json"]


def test_naive_datetime_in_a_request() -> None:
    import datetime

    request = {
        "input": {"learner_id": "x", "requested_at": datetime.datetime(2026, 2, 3, 10)},
        "options": {},
    }
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_enrolment", request)
    assert [(p["code"], p["path"]) for p in caught.value.errors()] == [
        ("invalid_instant", ("requested_at",))
    ]


def test_naive_midnight_in_a_request() -> None:
    import datetime

    outcome = {
        "source_system": "club",
        "source_key": "1",
        "learner_id": "20000000-0000-4000-8000-000000000001",
        "kind": "volunteer_service",
        "occurred_on": datetime.datetime(2026, 3, 1),
        "minutes": 150,
    }
    # A date field reads a naive midnight as its date, as records and
    # tables do, because pandas gives dates in that form.
    assert xuetong.call("validate_outcome", {"input": outcome})["occurred_on"] == "2026-03-01"
    later = {**outcome, "occurred_on": datetime.datetime(2026, 3, 1, 0, 0, 1)}
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_outcome", {"input": later})
    assert [(p["code"], p["path"]) for p in caught.value.errors()] == [
        ("invalid_instant", ("occurred_on",))
    ]
    # An instant field reports the naive datetime the caller gave, in the
    # request's locale.
    scan = {
        "id": "60000000-0000-4000-8000-000000000001",
        "session_id": "50000000-0000-4000-8000-000000000001",
        "learner_id": "20000000-0000-4000-8000-000000000001",
        "scanned_at": datetime.datetime(2026, 3, 2),
    }
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_scan", {"locale": "zh-CN", "input": scan})
    problems = caught.value.errors()
    assert [(p["code"], p["path"]) for p in problems] == [("invalid_instant", ("scanned_at",))]
    assert problems[0]["params"]["value"] == "2026-03-02T00:00:00 (a naive datetime)"
    assert "tzinfo" in problems[0]["params"]["hint"]
    assert problems[0]["message"].startswith("scanned_at 应为带时区偏移的日期时间")


def test_request_bytes_not_utf8() -> None:
    # A name saved as Latin-1. Decoding with replacement accepted it as "Se\ufffdn".
    request = b'{"input": {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "display_name": "Se\xe1n"}}'
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", request)
    problems = caught.value.errors()
    assert [p["code"] for p in problems] == ["malformed_json"]
    assert problems[0]["params"]["detail"].startswith("byte 76 is not UTF-8")


def test_text_with_surrogates() -> None:
    # Text read with errors="surrogateescape" keeps undecodable bytes as
    # surrogates, which raised UnicodeEncodeError with no field named.
    learner = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "display_name": "Se\udce1n"}
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": learner})
    problems = caught.value.errors()
    assert [(p["code"], p["path"]) for p in problems] == [("invalid_type", ("display_name",))]
    assert problems[0]["params"]["value"] == "Se\\udce1n"
    with pytest.raises(ValidationError) as caught:
        xuetong.Learner(**learner)
    assert [p["code"] for p in caught.value.errors()] == ["invalid_type"]
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", json.dumps({"input": learner}, ensure_ascii=False))
    assert [p["code"] for p in caught.value.errors()] == ["malformed_json"]


def test_request_that_contains_itself() -> None:
    # Converting a dict that contains itself, or lists nested 100,000 deep,
    # overflowed the stack and killed the interpreter.
    looped: dict[str, object] = {"display_name": "A"}
    looped["note"] = looped
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"note": looped}})
    problems = caught.value.errors()
    assert [(p["code"], p["path"]) for p in problems] == [("invalid_request", ("note", "note"))]
    assert "contains itself" in problems[0]["message"]
    # A list that contains itself twice would be walked 2^128 times if
    # only the depth limit of 128 levels stopped it.
    twice: list[object] = []
    twice += [twice, twice]
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"note": twice}})
    assert [(p["code"], p["path"]) for p in caught.value.errors()] == [
        ("invalid_request", ("note", 0)),
        ("invalid_request", ("note", 1)),
    ]
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"note": deep}})
    problems = caught.value.errors()
    assert [p["code"] for p in problems] == ["invalid_request"]
    assert len(problems[0]["path"]) == 128
    assert "more than 128 levels" in problems[0]["message"]
    # A value nested as deep as JSON text may nest reaches the core, which
    # reports the field.
    shallow: list[object] = []
    for _ in range(126):
        shallow = [shallow]
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"display_name": shallow}})
    assert [(p["code"], p["path"]) for p in caught.value.errors()] == [
        ("required", ("id",)),
        ("invalid_type", ("display_name",)),
    ]


def test_keys_with_surrogates() -> None:
    # Converting the key raised UnicodeEncodeError with no path.
    learner = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "display_name": "A", "n\udce1me": 1}
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": learner})
    problems = caught.value.errors()
    assert [(p["code"], p["path"]) for p in problems] == [("invalid_type", ("n\\udce1me",))]
    assert problems[0]["params"]["value"] == "n\\udce1me"
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"id": "x"}, "\udce1": 1})
    assert [(p["code"], p["path"]) for p in caught.value.errors()] == [
        ("invalid_type", ("\\udce1",))
    ]


def test_keys_not_text_or_int() -> None:
    # JSON keys are text, so None, True, tuple and float keys are rejected
    # rather than sent as their repr().
    learner = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "display_name": "A"}
    for key, key_repr in ((None, "None"), (True, "True"), (("a", 1), "('a', 1)"), (1.5, "1.5")):
        with pytest.raises(ValidationError) as caught:
            xuetong.call("validate_learner", {"input": {**learner, key: 1}})
        problems = caught.value.errors()
        assert [(p["code"], p["path"]) for p in problems] == [("invalid_type", (key_repr,))]
        assert problems[0]["params"]["value"] == f"a key of type {type(key).__name__}"
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"id": "x"}, None: 1})
    assert [(p["code"], p["path"]) for p in caught.value.errors()] == [("invalid_type", ("None",))]
    # An int key is written as its digits, as json.dumps writes it.
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {**learner, 7: 1}})
    assert [(p["code"], p["path"]) for p in caught.value.errors()] == [("unknown_field", ("7",))]
    # An int key too long to write as text is reported at its dict.
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {**learner, 10**5_000: 1}})
    problems = caught.value.errors()
    assert [(p["code"], p["path"]) for p in problems] == [("invalid_type", ())]
    assert problems[0]["params"]["value"] == "a key that is an int of about 5001 digits"
    assert problems[0]["message"].startswith("input must be a dict with text keys, got a key")


def test_key_whose_repr_fails() -> None:
    # A key whose repr() raises, such as a tuple holding a huge int, is
    # named by its type, and the exception does not escape.
    class BadRepr:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    learner = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "display_name": "A"}
    for key, type_name in ((BadRepr(), "BadRepr"), ((10**5_000,), "tuple")):
        with pytest.raises(ValidationError) as caught:
            xuetong.call("validate_learner", {"input": {**learner, key: 1}})
        problems = caught.value.errors()
        name = f"<{type_name} key whose repr() failed>"
        assert [(p["code"], p["path"]) for p in problems] == [("invalid_type", (name,))]


def test_int_subclass_written_as_its_number() -> None:
    # An int subclass is written as its digits, whatever its own str() says.
    class NamedInt(int):
        def __str__(self) -> str:
            return "Bob"

        def __int__(self) -> int:
            raise RuntimeError("no int")

    learner = {"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "display_name": NamedInt(10**20)}
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {**learner, NamedInt(7): 1}})
    assert [(p["code"], p["path"]) for p in caught.value.errors()] == [("unknown_field", ("7",))]
    echoed = xuetong.call("validate_learner", {"input": learner})
    assert echoed["display_name"] == "100000000000000000000"


def test_int_too_long_for_text() -> None:
    # Python writes an int of more than 4,300 digits as text only when
    # sys.set_int_max_str_digits allows it, so its ValueError must not escape.
    huge = 10**5_000
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"id": "x", "note": [1, huge]}})
    problems = caught.value.errors()
    assert [(p["code"], p["path"]) for p in problems] == [("invalid_type", ("note", 1))]
    assert problems[0]["params"]["value"] == "an int of about 5001 digits"
    assert "at most 4300 digits" in problems[0]["params"]["expected"]


def test_shared_lists_that_grow_without_bound() -> None:
    # Each level shares the list below twice, so JSON would write 2^22
    # strings, four times the limit. At 40 levels, converting them all ran
    # out of memory. 22 levels keep a failure of this test within memory.
    shared: object = "x"
    for _ in range(22):
        shared = [shared, shared]
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"note": shared}})
    problems = caught.value.errors()
    assert [p["code"] for p in problems] == ["invalid_request"]
    assert problems[0]["path"][0] == "note"
    assert "more than once" in problems[0]["message"]
    # One dict shared by many rows adds 1,200,000 values, more than the
    # limit, but no more than eight for each row, so the request reaches the
    # core, which reports the unknown field.
    tags = {"a": 1, "b": 2, "c": 3, "d": 4}
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"note": [tags] * 300_000}})
    assert "invalid_request" not in [p["code"] for p in caught.value.errors()]


def test_shared_long_text_counts_its_length() -> None:
    import datetime

    # A list of one text of 100 kB, 2,000 times, writes 200 MB of JSON from
    # 116 kB of Python. Counted as 2,000 values, it passed the limit.
    text = "x" * 100_000
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"note": [text] * 2_000}})
    problems = caught.value.errors()
    assert [p["code"] for p in problems] == ["invalid_request"]
    assert problems[0]["path"][0] == "note"
    assert problems[0]["message"].endswith(
        "(each 64 bytes of text count as one value); pass each of them fewer times"
    )
    # An int of 4,000 digits, which JSON writes in full, counts by its length.
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"note": [10**4_000] * 50_000}})
    assert [p["code"] for p in caught.value.errors()] == ["invalid_request"]
    # A long key counts by its length too, in one dict that appears again
    # and in many dicts that share the key.
    for dicts in ([{text: 1}] * 2_000, [{text: n} for n in range(2_000)]):
        with pytest.raises(ValidationError) as caught:
            xuetong.call("validate_learner", {"input": {"note": dicts}})
        assert [p["code"] for p in caught.value.errors()] == ["invalid_request"]
    # A record counts the length of its JSON: 2,000 instructor ids make a
    # session of about 78 kB.
    session = xuetong.Session(
        id="50000000-0000-4000-8000-000000000001",
        venue_id="30000000-0000-4000-8000-000000000001",
        course_id="40000000-0000-4000-8000-000000000001",
        instructor_ids=[f"10000000-0000-4000-8000-{n:012}" for n in range(2_000)],
        date=datetime.date(2026, 3, 2),
        start_time=datetime.time(9),
        end_time=datetime.time(10),
        time_zone="Asia/Shanghai",
    )
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"sessions": [session] * 2_000}})
    assert [p["code"] for p in caught.value.errors()] == ["invalid_request"]
    # One text of 500 bytes in each of 20,000 rows adds seven values for
    # each row, within the eight for each of the row's own three values.
    note = "y" * 500
    rows = [{"n": n, "note": note} for n in range(20_000)]
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"rows": rows}})
    assert "invalid_request" not in [p["code"] for p in caught.value.errors()]


def test_decimal_of_a_huge_exponent() -> None:
    from decimal import Decimal

    # Written in fixed point, this Decimal of 13 bytes took 300 MB.
    course = {
        "id": "40000000-0000-4000-8000-000000000001",
        "title": "Tai chi",
        "category": "tai_chi",
        "provider_venue_id": "30000000-0000-4000-8000-000000000001",
        "credit_value": Decimal("1e300000000"),
    }
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_course", {"input": course})
    problems = caught.value.errors()
    assert [(p["code"], p["path"]) for p in problems] == [("invalid_decimal", ("credit_value",))]
    assert problems[0]["params"]["value"] == "1E+300000000"
    # A Decimal of 1,000 digits counts by its length when it appears again.
    long = Decimal("9" * 1_000)
    with pytest.raises(ValidationError) as caught:
        xuetong.call("validate_learner", {"input": {"note": [long] * 200_000}})
    assert [p["code"] for p in caught.value.errors()] == ["invalid_request"]


def test_request_of_the_wrong_type() -> None:
    with pytest.raises(TypeError):
        xuetong.call("validate_learner", 42)  # type: ignore[arg-type]


def test_panic_becomes_xuetong_error() -> None:
    with pytest.raises(XuetongError) as caught:
        xuetong._core._panic_for_test()
    assert type(caught.value) is XuetongError
    assert "internal error in xuetong: deliberate panic" in str(caught.value)


def test_missing_bundle_folder() -> None:
    with pytest.raises(BundleError) as caught:
        xuetong.read_bundle("/nonexistent/xuetong-bundle")
    assert "failed to list the bundle" in str(caught.value)
