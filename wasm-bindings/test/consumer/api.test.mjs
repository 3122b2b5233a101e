// The package's JavaScript API as a user meets it after `npm install`:
// result shapes, locales, the throwing parse, the Standard Schema adapter,
// the generated lists, and inputs that must never make it throw.

import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { describe, test } from "node:test";

import {
  OPERATION_NAMES,
  PROBLEM_CODES,
  XuetongValidationError,
  XuetongNotInitializedError,
  call,
  callAsync,
  callJson,
  formatPath,
  init,
  initFullApi,
  listOperations,
  listProblemCodes,
  localizeIssue,
  previewCredits,
  previewScan,
  validateClub,
  validateCourse,
  validateEnrolment,
  validateLearner,
  validateScan,
  validateSession,
  validator,
  validators,
  version,
} from "xuetong";

const VENUE = "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c";
const COURSE = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const LEARNER = "0f8fad5b-d9cb-469f-a165-70867728950e";
const SESSION = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";

const course = {
  id: COURSE,
  title: "Smartphone skills 智能手机",
  category: "smartphone_skills",
  provider_venue_id: VENUE,
  capacity: "30",
  min_age: "60",
  credit_value: "1.5",
};

function codesOf(result) {
  assert.equal(result.ok, false, "the result should have issues");
  return result.issues.map((issue) => issue.code);
}

describe("results", () => {
  test("valid course returns normalized value", () => {
    const result = validateCourse(course);
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.value.capacity, 30);
    assert.equal(result.value.min_age, 60);
    assert.equal(result.value.credit_value, "1.50");
    assert.equal(result.value.walk_in, false);
    assert.equal("issues" in result, false);
  });

  test("invalid course lists every issue", () => {
    const result = validateCourse({ ...course, title: "", capacity: "thirty", min_age: "90", max_age: "70" });
    assert.deepEqual(codesOf(result).sort(), ["invalid_integer", "required"]);
    const paths = result.issues.map((issue) => issue.path.join("."));
    assert.deepEqual(paths.sort(), ["capacity", "title"]);
    for (const issue of result.issues) {
      assert.deepEqual(Object.keys(issue).sort(), ["code", "message", "params", "path"]);
    }
  });

  test("record rules run after the fields are valid", () => {
    const result = validateCourse({ ...course, min_age: "90", max_age: "70" });
    assert.deepEqual(codesOf(result), ["range_inverted"]);
    assert.deepEqual(result.issues[0].path, ["min_age"]);
    assert.equal(result.issues[0].params.other_field, "max_age");
  });

  test("each front-end validator reaches its operation", () => {
    const required = (result) => codesOf(result).filter((code) => code === "required").length;
    assert.ok(required(validateLearner({})) >= 1);
    assert.ok(required(validateSession({})) >= 4);
    assert.ok(required(validateEnrolment({})) >= 3);
    assert.ok(required(validateClub({})) >= 1);
    assert.ok(required(validateScan({})) >= 3);
    assert.ok(required(validateCourse({})) >= 3);
  });

  test("valid scan fills in defaults", () => {
    const result = validateScan({
      id: "5b8a3f8e-3d3a-4c5e-9f6a-2b1c0d9e8f7a",
      session_id: SESSION,
      learner_id: LEARNER,
      scanned_at: "2026-03-02T09:31:00+08:00",
    });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.value.scanned_at, "2026-03-02T01:31:00Z");
    assert.equal(result.value.direction, "check_in");
    assert.equal(result.value.method, "qr");
  });

  test("session options reach the core", () => {
    const session = {
      id: SESSION,
      course_id: COURSE,
      venue_id: VENUE,
      date: "2026-03-02",
      start_time: "09:00",
      end_time: "09:00",
    };
    assert.equal(validateSession(session).ok, true);
    const result = validateSession(session, { options: { venue_time_zone: "Asia/Shanghai" } });
    assert.deepEqual(codesOf(result), ["invalid_session_length"]);
  });

  test("course options extend the taxonomy", () => {
    const local = { ...course, category: "paper_cutting" };
    assert.deepEqual(codesOf(validateCourse(local)), ["unknown_category"]);
    const categories = [{ key: "paper_cutting", name_en: "Paper cutting", name_zh: "剪纸" }];
    assert.equal(validateCourse(local, { options: { categories } }).ok, true);
  });
});

describe("locales", () => {
  test("messages in Chinese", () => {
    const result = validateLearner({ id: LEARNER }, { locale: "zh-CN" });
    assert.deepEqual(codesOf(result), ["required"]);
    assert.equal(result.issues[0].message, "缺少必填字段 display_name");
  });

  test("messages in English by default", () => {
    const result = validateLearner({ id: LEARNER });
    assert.equal(result.issues[0].message, "display_name is required");
  });

  test("localizeIssue switches language", () => {
    const [issue] = validateLearner({ id: LEARNER }).issues;
    const chinese = localizeIssue(issue, "zh-CN");
    assert.equal(chinese.message, "缺少必填字段 display_name");
    assert.equal(chinese.code, issue.code);
    assert.deepEqual(chinese.path, issue.path);
    assert.equal(localizeIssue(chinese, "en").message, issue.message);
  });

  test("validator with a locale", () => {
    const chinese = validators.learner.with({ locale: "zh-CN" });
    assert.equal(chinese.validate({ id: LEARNER }).issues[0].message, "缺少必填字段 display_name");
    assert.equal(chinese.validate({ id: LEARNER }, { locale: "en" }).issues[0].message, "display_name is required");
  });
});

describe("parse", () => {
  test("returns the value when valid", () => {
    assert.equal(validators.course.parse(course).title, course.title);
  });

  test("throws XuetongValidationError", () => {
    let caught;
    try {
      validators.course.parse({ ...course, title: "", capacity: "-1" });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof XuetongValidationError);
    assert.ok(caught instanceof Error);
    assert.equal(caught.name, "XuetongValidationError");
    assert.equal(caught.code, "validation_failed");
    assert.equal(caught.operation, "validate_course");
    assert.deepEqual(caught.issues.map((issue) => issue.code).sort(), ["out_of_range", "required"]);
    assert.match(caught.message, /^validate_course found 2 problems: /);
    assert.match(caught.message, /title: title is required/);
    assert.ok(typeof caught.stack === "string");
  });

  test("message names at most five issues", () => {
    const error = new XuetongValidationError(
      "validate_session",
      Array.from({ length: 7 }, (_, index) => ({
        code: "required",
        path: ["sessions", index, "date"],
        message: "date is required",
        params: { field: "date" },
      })),
    );
    assert.match(error.message, /^validate_session found 7 problems: sessions\[0\]\.date: /);
    assert.match(error.message, /; and 2 more$/);
  });

  test("formatPath writes the root and indexes", () => {
    assert.equal(formatPath([]), "(input)");
    assert.equal(formatPath(["sessions", 3, "start_time"]), "sessions[3].start_time");
  });
});

describe("Standard Schema", () => {
  const standard = validators.course["~standard"];

  test("declares version and vendor", () => {
    assert.equal(standard.version, 1);
    assert.equal(standard.vendor, "xuetong");
    assert.equal(typeof standard.validate, "function");
  });

  test("success has a value and no issues", () => {
    const result = standard.validate(course);
    assert.equal(result.issues, undefined);
    assert.equal(result.value.capacity, 30);
  });

  test("failure has issues with message and path", () => {
    const result = standard.validate({ ...course, capacity: "x" });
    assert.equal("value" in result, false);
    assert.equal(result.issues.length, 1);
    assert.deepEqual(result.issues[0].path, ["capacity"]);
    assert.match(result.issues[0].message, /capacity must be a whole number/);
  });

  test("libraryOptions carry the locale", () => {
    const result = standard.validate({ ...course, capacity: "x" }, { libraryOptions: { locale: "zh-CN" } });
    assert.match(result.issues[0].message, /capacity 应为整数/);
  });
});

describe("operation API", () => {
  test("unknown operation is an issue", () => {
    assert.deepEqual(codesOf(call("validate_everything", { input: {} })), ["unknown_operation"]);
  });

  test("callJson returns the core's document", () => {
    const response = JSON.parse(callJson("validate_learner", '{"input": {"id": "x"}}'));
    assert.equal(response.format, "xuetong.response/1");
    assert.equal(response.ok, false);
    assert.ok(Array.isArray(response.problems));
  });

  test("callJson reports malformed JSON", () => {
    const response = JSON.parse(callJson("validate_learner", "{"));
    assert.equal(response.problems[0].code, "malformed_json");
  });

  test("module operations are generated names, in order", () => {
    const names = listOperations().map((operation) => operation.name);
    assert.deepEqual(
      names,
      OPERATION_NAMES.filter((name) => names.includes(name)),
    );
  });

  test("main module has every front-end operation", () => {
    const names = listOperations().map((operation) => operation.name);
    const expected = [
      "list_operations",
      "list_problem_codes",
      "validate_learner",
      "validate_course",
      "validate_session",
      "validate_enrolment",
      "validate_club",
      "validate_scan",
      "preview_scan",
      "validate_attendance_policy",
    ];
    for (const name of expected) {
      assert.ok(names.includes(name), `${name} is missing from the main module`);
    }
  });

  test("main module leaves server operations out", () => {
    const names = listOperations().map((operation) => operation.name);
    const server = [
      "evaluate_attendance",
      "issue_check_in_token",
      "preview_credits",
      "compute_credits",
      "learning_index",
      "club_evaluate",
      "expand_schedule",
      "enrolment_apply",
    ];
    for (const name of server) {
      assert.ok(OPERATION_NAMES.includes(name), `${name} is not an operation of the library`);
      assert.ok(!names.includes(name), `${name} is in the main module`);
    }
  });

  test("call runs every operation", () => {
    for (const operation of OPERATION_NAMES) {
      const result = call(operation, { input: null });
      if (!result.ok) {
        const codes = codesOf(result);
        assert.ok(!codes.includes("unknown_operation"), `${operation}: ${codes}`);
      }
    }
  });

  test("callAsync matches call", async () => {
    const request = { input: { units: [] } };
    assert.deepEqual(await callAsync("learning_index", request), call("learning_index", request));
    const form = await callAsync("validate_course", { input: course });
    assert.equal(form.ok, true);
    assert.deepEqual(codesOf(await callAsync("no_such_operation", { input: {} })), [
      "unknown_operation",
    ]);
  });

  test("initFullApi resolves in Node", async () => {
    assert.equal(await initFullApi(), undefined);
  });

  test("error names the full module", () => {
    const error = new XuetongNotInitializedError("preview_credits");
    assert.equal(error.name, "XuetongNotInitializedError");
    assert.equal(error.code, "not_initialized");
    assert.equal(error.operation, "preview_credits");
    assert.match(error.message, /^operation "preview_credits" runs in the full xuetong module/);
    assert.match(error.message, /await initFullApi\(\)/);
    assert.equal(new XuetongNotInitializedError().operation, undefined);
  });

  test("generated problem codes match the module", () => {
    assert.deepEqual(listProblemCodes().map((entry) => entry.code), [...PROBLEM_CODES]);
  });

  test("version matches the package", () => {
    const require = createRequire(import.meta.url);
    assert.equal(version(), require("xuetong/package.json").version);
  });

  test("init resolves in Node", async () => {
    assert.equal(await init(), undefined);
  });
});

describe("previews", () => {
  // The expected values follow the default policy: check-in opens 30
  // minutes before the start, on time until 10 minutes after it, and a late
  // check-in credits the minutes from the scan to the end.
  const session = {
    id: SESSION,
    course_id: COURSE,
    venue_id: VENUE,
    date: "2026-03-02",
    start_time: "09:00",
    end_time: "10:30",
    time_zone: "Asia/Shanghai",
  };

  test("on-time scan credits the whole session", () => {
    const result = previewScan({ session, scanned_at: "2026-03-02T08:55:00+08:00" });
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.value.accepted, true);
    assert.equal(result.value.status, "present");
    assert.equal(result.value.punctuality, "on_time");
    assert.equal(result.value.credited_minutes, 90);
    assert.equal(result.value.message, null);
    assert.equal(result.value.windows.check_in_opens_at, "2026-03-02T00:30:00Z");
  });

  test("late scan credits the minutes left", () => {
    const result = previewScan({ session, scanned_at: "2026-03-02T01:25:00Z" });
    assert.equal(result.value.status, "late");
    assert.equal(result.value.credited_minutes, 65);
  });

  test("early scan is rejected with a Chinese message", () => {
    const result = previewScan(
      { session, scanned_at: "2026-03-02T08:00:00+08:00" },
      { locale: "zh-CN" },
    );
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.value.accepted, false);
    assert.equal(result.value.code, "too_early");
    assert.equal(result.value.status, null);
    assert.equal(result.value.credited_minutes, null);
    assert.match(result.value.message, /早于开放时间/);
  });

  test("policy option changes the window", () => {
    const policy = { check_in: { late_after_start_minutes: 30 } };
    const result = previewScan(
      { session, scanned_at: "2026-03-02T09:25:00+08:00" },
      { options: { policy } },
    );
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.value.status, "present");
  });

  test("invalid scan preview lists issues", () => {
    const result = previewScan({ session: { ...session, date: "2026-02-30" }, scanned_at: "soon" });
    assert.deepEqual(codesOf(result).sort(), ["invalid_date", "invalid_instant"]);
  });

  test("credits preview loads the full module", async () => {
    // The community rule set credits volunteer service at 0.10 per hour.
    const pending = previewCredits({
      rule_set: "community@1",
      learner_id: LEARNER,
      outcomes: [
        {
          id: "90000000-0000-4000-8000-000000000001",
          learner_id: LEARNER,
          kind: "volunteer_service",
          occurred_on: "2026-03-14",
          minutes: 120,
        },
      ],
    });
    assert.ok(pending instanceof Promise);
    const result = await pending;
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.value.total, "0.20");
    assert.equal(result.value.status, "published");
    assert.equal(result.value.rule_set.id, "community");
    assert.equal(result.value.accruals.length, 1);
    assert.equal(result.value.accruals[0].amount, "0.20");
  });

  test("credits preview reports issues in Chinese", async () => {
    const result = await previewCredits(
      { rule_set: "no_such_rules", learner_id: "x" },
      { locale: "zh-CN" },
    );
    assert.equal(result.ok, false);
    assert.deepEqual(result.issues.map((issue) => issue.path[0]).sort(), ["learner_id", "rule_set"]);
    assert.ok(result.issues.every((issue) => /[\u4e00-\u9fff]/.test(issue.message)));
  });
});

/** A small deterministic generator (mulberry32), so failures can be replayed. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const FIELD_NAMES = [
  "id", "title", "category", "capacity", "min_age", "max_age", "credit_value", "date",
  "start_time", "end_time", "time_zone", "scanned_at", "latitude", "longitude", "status",
  "display_name", "birth_date", "instructor_ids", "phone", "walk_in", "",
];
const TEXTS = [
  "", " ", "0", "-1", "1e309", "NaN", "2026-02-30", "24:00", "23:59:60", "\ud800", "\u0000",
  "Asia/Shanghai", "Europe/Nowhere", "true", "是", "a;;b;", "99999999999999999999.99", "x".repeat(5000),
];

function randomValue(next, depth) {
  const pick = (items) => items[Math.floor(next() * items.length)];
  const kind = Math.floor(next() * (depth > 3 ? 5 : 7));
  switch (kind) {
    case 0: return null;
    case 1: return next() < 0.5;
    case 2: return pick([0, -0, 1.5, -1, 2 ** 53, 1e308, Number.MAX_VALUE, NaN, Infinity]);
    case 3: return pick(TEXTS);
    case 4: return pick(FIELD_NAMES) + Math.floor(next() * 3);
    case 5: return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
    default: {
      const object = {};
      for (let index = Math.floor(next() * 6); index > 0; index -= 1) {
        object[pick(FIELD_NAMES)] = randomValue(next, depth + 1);
      }
      return object;
    }
  }
}

describe("hostile input", () => {
  test("random requests never throw", () => {
    const next = random(20260302);
    // Every operation of both modules.
    const operations = [...OPERATION_NAMES];
    for (let round = 0; round < 200; round += 1) {
      for (const operation of operations) {
        const input = randomValue(next, 0);
        const request = next() < 0.9 ? { input, locale: next() < 0.5 ? "zh-CN" : "en" } : input;
        const result = call(operation, request);
        assert.equal(typeof result.ok, "boolean", `${operation} on ${JSON.stringify(request)}`);
        if (!result.ok) {
          assert.ok(result.issues.length > 0, `${operation} failed without issues`);
        }
      }
    }
  });

  test("random text never throws", () => {
    const next = random(7);
    const alphabet = '{}[]":,0123456789.eE-+ truefalsnl\\u\ud800中';
    for (let round = 0; round < 2000; round += 1) {
      const length = Math.floor(next() * 40);
      let text = "";
      for (let index = 0; index < length; index += 1) {
        text += alphabet[Math.floor(next() * alphabet.length)];
      }
      const response = JSON.parse(callJson("validate_course", text));
      assert.equal(typeof response.ok, "boolean", text);
    }
  });

  test("values JSON cannot write are issues", () => {
    const cycle = { input: {} };
    cycle.input.self = cycle;
    assert.deepEqual(codesOf(call("validate_course", cycle)), ["malformed_json"]);
    const big = call("validate_course", { locale: "zh-CN", input: { capacity: 10n } });
    assert.deepEqual(codesOf(big), ["malformed_json"]);
    const [issue] = big.issues;
    assert.match(issue.message, /BigInt/);
    assert.notEqual(issue.message, localizeIssue(issue, "en").message, "message is not in Chinese");
    const throwing = { toJSON() { throw new Error("no"); } };
    assert.deepEqual(codesOf(call("validate_course", throwing)), ["malformed_json"]);
  });

  test("numbers JSON cannot write are issues at their field", () => {
    // JSON.stringify writes NaN and Infinity as null, which would read as an
    // empty optional field and let the form pass.
    const result = validateCourse({ ...course, capacity: NaN, min_age: Infinity }, { locale: "zh-CN" });
    assert.deepEqual(codesOf(result), ["invalid_type", "invalid_type"]);
    assert.deepEqual(result.issues.map((issue) => issue.path), [["capacity"], ["min_age"]]);
    assert.equal(result.issues[0].params.value, "NaN");
    assert.equal(result.issues[0].message, "capacity 应为有限数字，实际为 NaN");
    const nested = call("validate_course", { input: { ...course, instructor_ids: [-Infinity] } });
    assert.deepEqual(nested.issues.map((issue) => issue.path), [["instructor_ids", 0]]);
    assert.equal(validators.course["~standard"].validate({ ...course, capacity: NaN }).issues.length, 1);
    assert.equal(validateCourse({ ...course, max_age: null, title: "nullable" }).ok, true);
  });

  test("unpaired surrogates are issues at their field", () => {
    const result = validateCourse({ ...course, title: "Tai chi \ud83d" });
    assert.deepEqual(codesOf(result), ["invalid_type"]);
    assert.deepEqual(result.issues[0].path, ["title"]);
    assert.equal(result.issues[0].params.value, "\"Tai chi \ufffd\"");
    assert.equal(validateCourse({ ...course, title: "Tai chi \ud83d\ude00" }).ok, true);
  });

  test("callJson rejects unpaired surrogates", () => {
    // Converted to UTF-8 for the module, the surrogate became U+FFFD and
    // the course passed with a title the caller never sent.
    const text = JSON.stringify({ locale: "zh-CN", input: { ...course, title: "Tai chi X" } });
    const response = JSON.parse(callJson("validate_course", text.replace("Tai chi X", "Tai chi \ud83d")));
    assert.equal(response.ok, false);
    assert.deepEqual(response.problems.map((problem) => problem.code), ["malformed_json"]);
    assert.match(response.problems[0].params.detail, /surrogate at index \d+/);
    assert.match(response.problems[0].message, /^文本不是合法的 JSON/);
    const index = text.indexOf("Tai chi X") + "Tai chi ".length;
    assert.match(response.problems[0].params.detail, new RegExp(`index ${index},`));
    const paired = text.replace("Tai chi X", "Tai chi \ud83d\ude00");
    assert.equal(JSON.parse(callJson("validate_course", paired)).ok, true);
  });

  test("functions and symbols are issues at their field", () => {
    // JSON.stringify leaves such a field out, so a function title was
    // reported as missing and a symbol credit value passed unseen.
    const result = validateCourse({ ...course, title: () => "Tai chi", credit_value: Symbol("c") });
    assert.deepEqual(codesOf(result), ["invalid_type", "invalid_type"]);
    assert.deepEqual(result.issues.map((issue) => issue.path), [["title"], ["credit_value"]]);
    assert.equal(result.issues[0].params.value, "a function named title");
    assert.equal(result.issues[1].params.value, "a symbol, Symbol(c)");
    // In an array JSON.stringify writes null in their place.
    const listed = call("validate_course", { input: { ...course, instructor_ids: [LEARNER, () => 1] } });
    assert.deepEqual(listed.issues.map((issue) => issue.path), [["instructor_ids", 1]]);
    const options = call("validate_course", { input: course, options: { categories: Symbol.iterator } });
    assert.deepEqual(options.issues.map((issue) => issue.path), [["options", "categories"]]);
    // A method of a class instance is on its prototype, which JSON never
    // writes, so it is not an issue.
    class Form {
      constructor() {
        Object.assign(this, course);
      }
      title2() {
        return "unused";
      }
    }
    assert.equal(validateCourse(new Form()).ok, true);
  });

  test("settings that are not an object are issues", async () => {
    // validateLearner(input, 5) ran as if the settings were left out.
    for (const settings of [5, "zh-CN", true, [], () => {}]) {
      const result = validateLearner({}, settings);
      assert.deepEqual(codesOf(result), ["invalid_request"], String(settings));
      assert.match(result.issues[0].params.detail, /^settings must be an object/);
    }
    assert.equal(validateLearner({}, 5).issues[0].params.detail.endsWith("got 5"), true);
    assert.deepEqual(codesOf(validator("validate_course", 5).validate(course)), ["invalid_request"]);
    assert.deepEqual(codesOf(validators.course.with(5).validate(course)), ["invalid_request"]);
    // Settings added later do not replace the settings that are not an object.
    assert.deepEqual(codesOf(validators.course.with(5).with({ locale: "en" }).validate(course)), [
      "invalid_request",
    ]);
    assert.deepEqual(codesOf(previewScan({}, 5)), ["invalid_request"]);
    assert.deepEqual(codesOf(await previewCredits({}, "en")), ["invalid_request"]);
    // The message follows the locale of the validator's own settings.
    const chinese = validator("validate_course", { locale: "zh-CN" }).validate(course, 5);
    assert.match(chinese.issues[0].message, /^请求无效/);
    // undefined and null are no settings, as options: null is to the core.
    assert.equal(validateCourse(course, undefined).ok, true);
    assert.equal(validateCourse(course, null).ok, true);
  });

  test("localizeIssue of a missing issue is an invalid_request issue", () => {
    // An object or array without a code got the message "undefined".
    for (const missing of [null, undefined, 5, {}, [], { code: 5, params: {} }]) {
      const issue = localizeIssue(missing, "zh-CN");
      assert.equal(issue.code, "invalid_request");
      assert.deepEqual(issue.path, []);
      assert.match(issue.params.detail, /^localizeIssue needs an issue/);
      assert.match(issue.message, /^请求无效/);
    }
    assert.equal(localizeIssue(null, "en").params.detail.endsWith("got null"), true);
    assert.equal(localizeIssue({}, "en").params.detail.endsWith("got an object without a text code"), true);
    assert.equal(localizeIssue([], "en").params.detail.endsWith("got an array"), true);
  });

  test("localizeIssue does not throw on params JSON cannot write", () => {
    const issue = { code: "required", path: ["title"], message: "", params: { field: 1n } };
    assert.equal(localizeIssue(issue, "zh-CN").message, "缺少必填字段 {field}");
  });

  test("deep nesting is an issue, not a crash", () => {
    let deep = {};
    for (let index = 0; index < 5000; index += 1) {
      deep = { id: deep };
    }
    assert.equal(call("validate_course", { input: deep }).ok, false);
    const text = "[".repeat(100000);
    assert.equal(JSON.parse(callJson("validate_course", text)).ok, false);
  });

  test("non-string operation names are issues", () => {
    assert.deepEqual(codesOf(call(42, { input: {} })), ["unknown_operation"]);
    assert.deepEqual(codesOf(call(undefined, { input: {} })), ["unknown_operation"]);
  });

  test("module still works after hostile input", () => {
    assert.equal(validateCourse(course).ok, true);
  });

  test("validator for each validation operation", () => {
    const operations = listOperations().map((operation) => operation.name);
    for (const operation of operations.filter((name) => name.startsWith("validate_"))) {
      const result = validator(operation).validate({});
      if (operation === "validate_attendance_policy") {
        // An empty policy document is the default policy.
        assert.equal(result.ok, true, JSON.stringify(result));
        assert.equal(result.value.check_in.late_after_start_minutes, 10);
      } else {
        assert.equal(result.ok, false, operation);
      }
    }
  });
});
