// A typed use of the installed package, checked with `tsc --noEmit` and
// never run. Each `@ts-expect-error` line must fail to compile: a type that
// becomes too loose makes tsc report the directive as unused.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import {
  type AttendanceStatus,
  type Course,
  type CourseInput,
  type CreditsPreview,
  type Issue,
  type Locale,
  type OperationName,
  type Operations,
  type ProblemCode,
  type Result,
  type ScanPreview,
  type TypedOperations,
  type Validator,
  PROBLEM_CODES,
  XuetongValidationError,
  call,
  callAsync,
  init,
  initFullApi,
  localizeIssue,
  previewCredits,
  previewScan,
  validateCourse,
  validator,
  validators,
} from "xuetong";

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function expectType<T extends true>(_: T): void {}

await init();

// Inputs as a form collects them: numbers and flags may be text.
const form: CourseInput = {
  id: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
  title: "Calligraphy 书法",
  category: "calligraphy",
  provider_venue_id: "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
  capacity: "20",
  walk_in: false,
  credit_value: "1.50",
};

// @ts-expect-error a course needs a title
const untitled: CourseInput = { category: "calligraphy", provider_venue_id: "x" };

// @ts-expect-error audience is one of the listed values
const wrongAudience: CourseInput = { ...form, audience: "everyone" };

// Results narrow on ok.
const result = validateCourse(form, { locale: "zh-CN" });
if (result.ok) {
  const course: Course = result.value;
  const capacity: number | undefined = course.capacity;
  const credits: string | undefined = course.credit_value;
  // @ts-expect-error a validated course has no issues
  result.issues;
} else {
  const first: Issue = result.issues[0];
  const code: ProblemCode = first.code;
  const path: readonly (string | number)[] = first.path;
  const english: Issue = localizeIssue(first, "en");
  // @ts-expect-error a failed result has no value
  result.value;
}

// Problem codes are a closed union from the catalogue.
const required: ProblemCode = "required";
// @ts-expect-error not a problem code
const unknownCode: ProblemCode = "no_such_code";
const allCodes: readonly ProblemCode[] = PROBLEM_CODES;

function describeIssue(issue: Issue): string {
  switch (issue.code) {
    case "required":
      return `fill in ${String(issue.params.field)}`;
    case "invalid_date":
      return "use YYYY-MM-DD";
    default:
      return issue.message;
  }
}

// Locales are a closed union.
const chinese: Locale = "zh-CN";
// @ts-expect-error only en and zh-CN
const french: Locale = "fr";

// call is typed by operation name.
const session = call("validate_session", {
  locale: "en",
  input: {
    course_id: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
    venue_id: "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
    date: "2026-03-02",
    start_time: "09:00",
    end_time: "10:30",
  },
  options: { venue_time_zone: "Asia/Shanghai" },
});
if (session.ok) {
  const status: "scheduled" | "cancelled" = session.value.status;
}
// @ts-expect-error a session has no title
call("validate_session", { input: { title: "x" } });
// @ts-expect-error validate_course has no venue_time_zone option
call("validate_course", { input: form, options: { venue_time_zone: "Asia/Shanghai" } });
const untyped: Result<unknown> = call("some_future_operation", { input: 1 });

// Every operation of the library has an entry in Operations, and every
// validation operation is typed field by field.
expectType<Equal<keyof Operations, OperationName>>(true);
type UntypedValidation = Exclude<Extract<OperationName, `validate_${string}`>, keyof TypedOperations>;
expectType<Equal<UntypedValidation, never>>(true);

// The throwing parse and its error.
try {
  const course: Course = validators.course.parse(form);
} catch (error) {
  if (error instanceof XuetongValidationError) {
    const name: string = error.name;
    const code: "validation_failed" = error.code;
    const issues: readonly Issue[] = error.issues;
  }
}

// Validators are Standard Schemas with the record types.
const courseSchema: StandardSchemaV1<CourseInput, Course> = validators.course;
const learnerSchema: StandardSchemaV1 = validators.learner;
type Output = StandardSchemaV1.InferOutput<typeof validators.course>;
expectType<Equal<Output, Course>>(true);
type Input = StandardSchemaV1.InferInput<typeof validators.club>;
expectType<Equal<Input["name"], string>>(true);
const chineseSessions: Validator<"validate_session"> = validator("validate_session", {
  locale: "zh-CN",
  options: { venue_time_zone: "Asia/Shanghai" },
});
// @ts-expect-error not a validation operation
validator("list_operations");

// The scan preview runs in the main module and returns at once.
const scanSession = {
  venue_id: "9a4b6c1e-5d2f-4e8a-9b1c-3d5e7f9a1b2c",
  date: "2026-03-02",
  start_time: "09:00",
  end_time: "10:00",
};
const preview = previewScan(
  { session: scanSession, scanned_at: "2026-03-02T01:00:00Z" },
  { locale: "zh-CN", options: { venue_time_zone: "Asia/Shanghai" } },
);
if (preview.ok) {
  const scan: ScanPreview = preview.value;
  const minutes: number | null = scan.credited_minutes;
  const status: AttendanceStatus | null = scan.status;
  const opens: string = scan.windows.check_in_opens_at;
  const rejection: ProblemCode | null = scan.code;
  // @ts-expect-error the windows are named
  scan.windows.opens;
}
// @ts-expect-error a scan preview needs the time of the scan
previewScan({ session: scanSession });
// @ts-expect-error direction is check_in or check_out
previewScan({ session: scanSession, scanned_at: "2026-03-02T01:00:00Z", direction: "in" });
const samePreview: Result<ScanPreview> = call("preview_scan", {
  input: { session: scanSession, scanned_at: "2026-03-02T01:00:00Z" },
  options: { policy: { check_in: { late_after_start_minutes: 15 } } },
});

// The credits preview loads the full module, so it returns a promise.
const credits = await previewCredits({
  rule_set: "community@1",
  learner_id: "0f8fad5b-d9cb-469f-a165-70867728950e",
  outcomes: [
    {
      id: "90000000-0000-4000-8000-000000000001",
      learner_id: "0f8fad5b-d9cb-469f-a165-70867728950e",
      kind: "volunteer_service",
      occurred_on: "2026-03-14",
      minutes: 120,
    },
  ],
});
if (credits.ok) {
  const preview: CreditsPreview = credits.value;
  const total: string = preview.total;
  const ruleSet: string = preview.rule_set.id;
  const reasons: readonly string[] = preview.skipped.map((skipped) => skipped.reason);
}
// @ts-expect-error previewCredits returns a promise, not a result
previewCredits({ rule_set: "community", learner_id: "x" }).ok;
// @ts-expect-error an outcome has a kind from the list
previewCredits({ rule_set: "community", learner_id: "x", outcomes: [{ kind: "hobby" }] });

// Server operations run in the full module: callAsync loads it, and after
// initFullApi() call runs them directly.
const index = await callAsync("learning_index", { input: { units: [] } });
if (index.ok) {
  const document: Readonly<Record<string, unknown>> = index.value;
}
await initFullApi();
const expanded: Result<unknown> = call("expand_schedule", { input: {} });
