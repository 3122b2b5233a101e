// A typed use of the installed package, checked with `tsc --noEmit` and
// never run. Each `@ts-expect-error` line must fail to compile: a type that
// becomes too loose makes tsc report the directive as unused.

import type { StandardSchemaV1 } from "@standard-schema/spec";
import {
  type Course,
  type CourseInput,
  type Issue,
  type Locale,
  type OperationName,
  type Operations,
  type ProblemCode,
  type Result,
  type TypedOperations,
  type Validator,
  PROBLEM_CODES,
  XuetongValidationError,
  call,
  init,
  localizeIssue,
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

// Previews are typed wrappers over call.
const preview = previewScan(
  { session: { venue_id: "v", date: "2026-03-02", start_time: "09:00", end_time: "10:00" }, scanned_at: "2026-03-02T01:00:00Z" },
  { locale: "zh-CN", options: { venue_time_zone: "Asia/Shanghai" } },
);
if (preview.ok) {
  const minutes: number | null = preview.value.credited_minutes;
}
