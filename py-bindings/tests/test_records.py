"""Record classes: validation on construction, conversions, time rules,
exact credits, equality and representation."""

from __future__ import annotations

import datetime
import inspect
import json
import pickle
import uuid
import warnings
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

import xuetong
from xuetong import Course, Enrolment, Excusal, Learner, Outcome, Scan, Session, ValidationError

SHANGHAI = ZoneInfo("Asia/Shanghai")
LEARNER_ID = "20000000-0000-4000-8000-000000000001"
SESSION_ID = "50000000-0000-4000-8000-000000000001"
COURSE_ID = "40000000-0000-4000-8000-000000000001"
VENUE_ID = "10000000-0000-4000-8000-000000000002"

RECORD_CLASSES = {
    "learners": xuetong.Learner,
    "venues": xuetong.Venue,
    "instructors": xuetong.Instructor,
    "categories": xuetong.CategoryDef,
    "clubs": xuetong.Club,
    "club_members": xuetong.ClubMember,
    "courses": xuetong.Course,
    "sessions": xuetong.Session,
    "enrolments": xuetong.Enrolment,
    "excusals": xuetong.Excusal,
    "outcomes": xuetong.Outcome,
    "scans": xuetong.Scan,
}


def codes_and_paths(error: ValidationError) -> list[tuple[str, tuple[str | int, ...]]]:
    return [(problem["code"], problem["path"]) for problem in error.errors()]


def scan(**changes: object) -> Scan:
    fields: dict[str, object] = {
        "id": "70000000-0000-4000-8000-000000000001",
        "session_id": SESSION_ID,
        "learner_id": LEARNER_ID,
        "scanned_at": datetime.datetime(2026, 3, 2, 8, 52, 10, tzinfo=SHANGHAI),
    }
    fields.update(changes)
    return Scan.from_dict(fields)


@pytest.mark.parametrize("table", sorted(RECORD_CLASSES))
def test_constructor_takes_the_schema_columns(table: str) -> None:
    parameters = list(inspect.signature(RECORD_CLASSES[table]).parameters)
    schema = xuetong.schemas.SCHEMAS[table]
    derived = {"starts_at", "ends_at", "minutes"} if table == "sessions" else set()
    assert parameters == [name for name in schema.names if name not in derived]


def test_learner_fields_are_python_values() -> None:
    learner = Learner(
        id=uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e"),
        display_name="Seán O'Brien-Ní Dhuibhir",
        birth_date=datetime.date(1960, 2, 29),
        registered_on="2025-10-15",
    )
    assert learner.id == uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e")
    assert learner.display_name == "Seán O'Brien-Ní Dhuibhir"
    assert learner.birth_date == datetime.date(1960, 2, 29)
    assert learner.registered_on == datetime.date(2025, 10, 15)
    assert learner.home_venue_id is None


def test_id_derives_from_source() -> None:
    first = Learner(source_system="oulad", source_key="11391", display_name="A")
    again = Learner(source_system="oulad", source_key="11391", display_name="B")
    other = Learner(source_system="oulad", source_key="28400", display_name="A")
    assert first.id == again.id
    assert first.id != other.id
    assert first.id.version == 5


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        Learner(id="not-a-uuid", birth_date="1957-02-29", registered_on="2025/09/01")
    assert codes_and_paths(caught.value) == [
        ("invalid_uuid", ("id",)),
        ("required", ("display_name",)),
        ("invalid_date", ("birth_date",)),
        ("invalid_date", ("registered_on",)),
    ]


def test_unknown_and_personal_fields_from_dict() -> None:
    with pytest.raises(ValidationError) as caught:
        Learner.from_dict({"display_name": "A", "id": LEARNER_ID, "email": "a@b.c", "nick": "x"})
    assert sorted(codes_and_paths(caught.value)) == [
        ("personal_data_field", ("email",)),
        ("unknown_field", ("nick",)),
    ]


def test_key_with_surrogates_from_dict() -> None:
    # Encoding the key as UTF-8 raised UnicodeEncodeError with no field.
    with pytest.raises(ValidationError) as caught:
        Learner.from_dict({"display_name": "A", "id": LEARNER_ID, "nick\udce1": "x"})
    assert codes_and_paths(caught.value) == [("unknown_field", ("nick\\udce1",))]


def test_key_not_text_from_dict() -> None:
    # A key that is not text is a problem at the key, not a bare TypeError.
    for key, key_repr in ((1, "1"), (None, "None"), (("a", 1), "('a', 1)")):
        with pytest.raises(ValidationError) as caught:
            Learner.from_dict({"display_name": "A", "id": LEARNER_ID, key: "x"})  # type: ignore[dict-item]
        problems = caught.value.errors()
        assert codes_and_paths(caught.value) == [("invalid_type", (key_repr,))]
        assert problems[0]["params"]["field"] == key_repr
        assert problems[0]["params"]["value"] == f"a key of type {type(key).__name__}"


def test_key_with_failing_repr_from_dict() -> None:
    # repr() of an int too long for text raises ValueError, which must not
    # escape from_dict.
    with pytest.raises(ValidationError) as caught:
        Learner.from_dict({"display_name": "A", "id": LEARNER_ID, 10**5_000: "x"})  # type: ignore[dict-item]
    name = "<int key whose repr() failed>"
    assert codes_and_paths(caught.value) == [("invalid_type", (name,))]


def test_unknown_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Learner(display_name="A", phone="13800000000")  # type: ignore[call-arg]


def test_naive_datetime_is_rejected_clearly() -> None:
    with pytest.raises(ValidationError) as caught:
        scan(scanned_at=datetime.datetime(2026, 3, 2, 8, 52, 10))
    problems = caught.value.errors()
    assert [(problem["code"], problem["path"]) for problem in problems] == [
        ("invalid_instant", ("scanned_at",))
    ]
    assert "naive" in problems[0]["params"]["value"]
    assert "UTC offset" in problems[0]["message"]
    assert isinstance(caught.value, ValueError)


def test_date_field_given_a_datetime() -> None:
    # pandas gives a date column's cell as a naive Timestamp at midnight.
    learner = Learner(
        id=LEARNER_ID,
        display_name="A",
        birth_date=datetime.datetime(1957, 2, 28),
        registered_on=datetime.datetime(2025, 9, 1),
    )
    assert learner.birth_date == datetime.date(1957, 2, 28)
    assert learner.registered_on == datetime.date(2025, 9, 1)
    noon = datetime.datetime(1957, 2, 28, 12)
    midnight_utc = datetime.datetime(2025, 9, 1, tzinfo=datetime.timezone.utc)
    with pytest.raises(ValidationError) as caught:
        Learner(id=LEARNER_ID, display_name="A", birth_date=noon, registered_on=midnight_utc)
    problems = caught.value.errors()
    assert [(problem["code"], problem["path"]) for problem in problems] == [
        ("invalid_date", ("birth_date",)),
        ("invalid_date", ("registered_on",)),
    ]
    assert problems[0]["params"]["value"] == "1957-02-28T12:00:00"
    assert problems[1]["params"]["value"] == "2025-09-01T00:00:00+00:00"


def test_date_field_given_pandas_nat() -> None:
    pd = pytest.importorskip("pandas")
    # A DataFrame's missing date is NaT, whose utcoffset raised ValueError
    # out of the constructor with no field named.
    learner = Learner(id=LEARNER_ID, display_name="A", birth_date=pd.NaT)
    assert learner.birth_date is None
    learner = Learner(id=LEARNER_ID, display_name="A", birth_date=pd.Timestamp("1957-02-28"))
    assert learner.birth_date == datetime.date(1957, 2, 28)


def test_aware_datetimes_come_back_in_utc() -> None:
    made = scan()
    assert made.scanned_at == datetime.datetime(2026, 3, 2, 0, 52, 10, tzinfo=datetime.timezone.utc)
    assert made.scanned_at.utcoffset() == datetime.timedelta(0)


def test_leap_second_comes_back_as_text() -> None:
    # datetime cannot hold a second of 60, so the getter returns the text
    # instead of a datetime one second off.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for text in ("2016-12-31T23:59:60Z", "2017-01-01T07:59:60+08:00"):
            made = scan(scanned_at=text)
            assert made.scanned_at == "2016-12-31T23:59:60Z"
            assert made.to_dict()["scanned_at"] == "2016-12-31T23:59:60Z"
            assert "scanned_at='2016-12-31T23:59:60Z'" in repr(made)
        made = scan(scanned_at="2016-12-31T23:59:60.25Z")
        assert made.scanned_at == "2016-12-31T23:59:60.250Z"
    assert Scan.from_dict(made.to_dict()) == made


def test_leap_second_of_other_records() -> None:
    # Every instant field reads a leap second the same way as scanned_at.
    leap = "2016-12-31T23:59:60Z"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        enrolment = Enrolment(
            id="60000000-0000-4000-8000-000000000001",
            learner_id=LEARNER_ID,
            course_id=COURSE_ID,
            requested_at=leap,
        )
        excusal = Excusal(
            id="80000000-0000-4000-8000-000000000001",
            learner_id=LEARNER_ID,
            session_id=SESSION_ID,
            granted_at=leap,
        )
    assert enrolment.requested_at == leap
    assert enrolment.confirmed_at == leap
    assert excusal.granted_at == leap


def test_credits_are_decimals_never_floats() -> None:
    fields = {
        "id": COURSE_ID,
        "title": "Tai chi",
        "category": "tai_chi",
        "provider_venue_id": VENUE_ID,
    }
    course = Course(**fields, credit_value=Decimal("2.5"))  # type: ignore[arg-type]
    assert course.credit_value == Decimal("2.50")
    assert isinstance(course.credit_value, Decimal)
    assert Course(**fields, credit_value=2).credit_value == Decimal("2.00")  # type: ignore[arg-type]
    assert Course(**fields, credit_value="0.1").credit_value == Decimal("0.10")  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        Course(**fields, credit_value=2.5)  # type: ignore[arg-type]
    assert codes_and_paths(caught.value) == [("invalid_type", ("credit_value",))]
    with pytest.raises(ValidationError) as caught:
        Course(**fields, credit_value=Decimal("1.005"))  # type: ignore[arg-type]
    assert codes_and_paths(caught.value) == [("invalid_decimal", ("credit_value",))]


def test_minutes_take_whole_timedeltas() -> None:
    fields = {
        "id": "90000000-0000-4000-8000-000000000003",
        "learner_id": LEARNER_ID,
        "kind": "volunteer_service",
        "occurred_on": datetime.date(2026, 3, 20),
    }
    outcome = Outcome.from_dict({**fields, "minutes": datetime.timedelta(hours=1, minutes=30)})
    assert outcome.minutes == 90
    assert outcome.duration == datetime.timedelta(minutes=90)
    with pytest.raises(ValidationError) as caught:
        Outcome.from_dict({**fields, "minutes": datetime.timedelta(seconds=90)})
    assert codes_and_paths(caught.value) == [("invalid_integer", ("minutes",))]


def test_session_instants_follow_the_zone() -> None:
    session = Session(
        id=SESSION_ID,
        course_id=COURSE_ID,
        venue_id=VENUE_ID,
        date=datetime.date(2026, 10, 25),
        start_time=datetime.time(0, 30),
        end_time=datetime.time(3, 30),
        time_zone=ZoneInfo("Europe/London"),
    )
    # Clocks go back at 02:00 BST on 2026-10-25: 00:30 BST to 03:30 GMT is
    # four hours on the wall clock's instants.
    assert session.starts_at == datetime.datetime(2026, 10, 24, 23, 30, tzinfo=datetime.timezone.utc)
    assert session.duration == datetime.timedelta(hours=4)
    assert session.time_zone == "Europe/London"
    without_zone = session.replace(time_zone=None)
    assert without_zone.starts_at is None
    assert without_zone.duration is None


def test_session_in_a_clock_gap_is_rejected() -> None:
    with pytest.raises(ValidationError) as caught:
        Session(
            id=SESSION_ID,
            course_id=COURSE_ID,
            venue_id=VENUE_ID,
            date=datetime.date(2026, 3, 29),
            start_time=datetime.time(1, 30),
            end_time=datetime.time(3, 0),
            time_zone="Europe/London",
        )
    assert codes_and_paths(caught.value) == [("nonexistent_local_time", ("start_time",))]


def test_session_across_midnight() -> None:
    session = Session(
        id=SESSION_ID,
        club_id="c0000000-0000-4000-8000-000000000001",
        venue_id=VENUE_ID,
        instructor_ids=["30000000-0000-4000-8000-000000000001"],
        date="2026-03-02",
        start_time="22:00",
        end_time="01:00",
        activity_kind="performance",
    )
    assert session.local_end_date == datetime.date(2026, 3, 3)
    assert session.instructor_ids == [uuid.UUID("30000000-0000-4000-8000-000000000001")]
    assert session.course_id is None


def test_enrolment_defaults_and_order() -> None:
    requested = datetime.datetime(2026, 2, 3, 10, 0, tzinfo=SHANGHAI)
    enrolment = Enrolment(
        id="60000000-0000-4000-8000-000000000001",
        learner_id=LEARNER_ID,
        course_id=COURSE_ID,
        requested_at=requested,
    )
    assert enrolment.status == "confirmed"
    assert enrolment.confirmed_at == requested
    with pytest.raises(ValidationError) as caught:
        enrolment.replace(status="withdrawn", withdrawn_at=requested - datetime.timedelta(days=1))
    assert codes_and_paths(caught.value) == [("ends_before_start", ("withdrawn_at",))]


def test_repr_is_constructor_like() -> None:
    learner = Learner(id=LEARNER_ID, display_name="王秀英", birth_date=1957)
    assert repr(learner) == (
        "Learner(id=UUID('20000000-0000-4000-8000-000000000001'), "
        "display_name='王秀英', birth_date=1957)"
    )
    namespace = {"Learner": Learner, "UUID": uuid.UUID, "datetime": datetime}
    assert eval(repr(learner), namespace) == learner


def test_equality_and_hash() -> None:
    first = scan()
    same = scan()
    other = scan(nonce="retry-1")
    assert first == same
    assert hash(first) == hash(same)
    assert first != other
    assert first != "not a scan"
    assert len({first, same, other}) == 2


# Tokens and nonces of every length the library stores differently: short
# text, base64url text up to 29 (token) or 18 (nonce) characters, and any
# other text.
TOKENS_AND_NONCES = [
    ("AAADhZUnlM-Y4MGycScsKQFW", "e6f6e8cbefc9f66e"),
    ("t-1", "retry-1"),
    ("_" * 29, "abcdefghijklmnopqr"),
    ("_" * 30, "abcdefghijklmnopqrs"),
    ("AAADhZUnlM+Y4MGycScsKQF=", "abcdefghijklmnop/."),
    ("签到令牌签到令牌", "签到令牌"),
]


@pytest.mark.parametrize(("token", "nonce"), TOKENS_AND_NONCES)
def test_scan_keeps_token_and_nonce(token: str, nonce: str) -> None:
    made = scan(token=token, nonce=nonce)
    assert made.token == token
    assert made.nonce == nonce
    assert made.to_dict()["token"] == token
    assert json.loads(made.to_json())["nonce"] == nonce
    restored = pickle.loads(pickle.dumps(made))
    assert restored == made
    assert hash(restored) == hash(made)
    assert restored.token == token
    assert restored.nonce == nonce
    assert made != scan(token=token, nonce=nonce + "x")


def test_json_round_trip() -> None:
    made = scan(latitude=30.308, longitude=120.352, method="card")
    text = made.to_json()
    assert json.loads(text)["scanned_at"] == "2026-03-02T00:52:10Z"
    assert Scan.from_json(text) == made
    assert Scan.from_json(text.encode()) == made
    assert Scan.from_dict(made.to_dict()) == made


def test_malformed_json_is_a_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        Scan.from_json("{not json")
    assert codes_and_paths(caught.value) == [("malformed_json", ())]


def test_records_are_frozen() -> None:
    learner = Learner(id=LEARNER_ID, display_name="A")
    with pytest.raises(AttributeError):
        learner.display_name = "B"  # type: ignore[misc]


def test_wrong_python_type_names_the_type() -> None:
    with pytest.raises(ValidationError) as caught:
        Learner(id=LEARNER_ID, display_name="A", registered_on=object())  # type: ignore[arg-type]
    problem = caught.value.errors()[0]
    assert (problem["code"], problem["path"]) == ("invalid_type", ("registered_on",))
    assert problem["params"]["value"] == "a value of type object"
