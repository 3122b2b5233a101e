"""Every public class and exception survives pickle and cloudpickle, as
Dask, Spark and Ray ship them to workers."""

from __future__ import annotations

import datetime
import inspect
import pickle
from collections.abc import Callable
from typing import Any

import cloudpickle
import pyarrow as pa
import pytest

import xuetong
from conftest import BROKEN_BUNDLE, EXAMPLE_BUNDLE


def examples() -> dict[str, Any]:
    bundle = xuetong.read_bundle(EXAMPLE_BUNDLE)
    broken = xuetong.read_bundle(BROKEN_BUNDLE)
    validated = xuetong.validate_table(
        "scans", pa.table({"session_id": ["x"], "learner_id": ["y"], "scanned_at": ["z"]})
    )
    attendance = xuetong.evaluate_attendance(
        bundle.table("scans"), bundle=bundle, as_of=datetime.datetime(2026, 4, 1, tzinfo=datetime.timezone.utc)
    )
    credits = xuetong.compute_credits(
        bundle.table("outcomes"), bundle=bundle, rule_set="community", recorded_on=datetime.date(2026, 4, 1)
    )
    season = xuetong.run_season(bundle, as_of=datetime.datetime(2026, 4, 1, tzinfo=datetime.timezone.utc))
    return {
        "AttendanceResult": attendance,
        "SeasonResult": season,
        "CreditResult": credits,
        "Learner": bundle.learners[0],
        "Venue": bundle.venues[0],
        "Instructor": bundle.instructors[0],
        "CategoryDef": xuetong.CategoryDef(key="pottery", name_en="Pottery", name_zh="陶艺"),
        "Club": bundle.clubs[0],
        "ClubMember": bundle.club_members[1],
        "Course": bundle.courses[1],
        "Session": bundle.sessions[0],
        "Enrolment": bundle.enrolments[1],
        "Excusal": bundle.excusals[0],
        "Outcome": bundle.outcomes[0],
        "Scan": bundle.scans[0],
        "Bundle": broken,
        "Table": bundle.table("sessions"),
        "Schema": xuetong.schemas.SESSIONS,
        "ReadReport": broken.report,
        "FileReport": broken.report.files[0],
        "TableReport": validated.report,
        "ValidatedTable": validated,
        "XuetongError": xuetong.XuetongError("internal error"),
        "ValidationError": validated_error(),
        "BundleError": xuetong.BundleError("failed to list the bundle"),
    }


def validated_error() -> xuetong.ValidationError:
    try:
        xuetong.Learner(id="bad")
    except xuetong.ValidationError as error:
        return error
    raise AssertionError("Learner(id='bad') was accepted")


EXAMPLES = examples()
DUMPERS: dict[str, Callable[[Any], bytes]] = {
    "pickle": lambda value: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
    "pickle-protocol-2": lambda value: pickle.dumps(value, protocol=2),
    "cloudpickle": cloudpickle.dumps,
}


def test_every_public_class_has_an_example() -> None:
    public_classes = {
        name
        for name in xuetong.__all__
        if inspect.isclass(getattr(xuetong, name)) and not name.endswith(("Dict", "Exportable"))
    }
    assert public_classes == set(EXAMPLES)


def same(value: Any, other: Any) -> bool:
    if isinstance(value, BaseException):
        return (
            type(other) is type(value)
            and str(other) == str(value)
            and getattr(other, "errors", lambda: None)() == getattr(value, "errors", lambda: None)()
        )
    return bool(other == value)


@pytest.mark.parametrize("dumper", sorted(DUMPERS))
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_round_trip(name: str, dumper: str) -> None:
    value = EXAMPLES[name]
    restored = pickle.loads(DUMPERS[dumper](value))
    assert type(restored) is type(value)
    assert same(value, restored)


def test_session_keeps_its_instants() -> None:
    session = EXAMPLES["Session"]
    restored = pickle.loads(pickle.dumps(session))
    assert restored.starts_at == session.starts_at
    assert restored.starts_at is not None


def test_bundle_keeps_its_report() -> None:
    bundle = EXAMPLES["Bundle"]
    restored = pickle.loads(cloudpickle.dumps(bundle))
    assert not restored.report.is_clean
    assert restored.report == bundle.report
    assert restored.table("scans") == bundle.table("scans")
