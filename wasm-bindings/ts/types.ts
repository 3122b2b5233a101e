// Types of requests, results and records of the xuetong package.
//
// Input types describe what a form may send: numbers and flags may also be
// given as text, as a form field stores them. Record types (`Learner`,
// `Course`, ...) describe what a validator returns: the input normalized,
// with defaults filled in and instants in UTC. Decimals such as credits are
// always text, so that no amount passes through a binary float.

import type { OperationName, ProblemCode, RecordFields } from "./generated.js";

export type { OperationName, ProblemCode, RecordFields } from "./generated.js";

/** The language of problem messages. */
export type Locale = "en" | "zh-CN";

/** One step of a problem's path: a field name or a zero-based list index. */
export type PathSegment = string | number;

/** One thing wrong with an input, as data. */
export interface Issue {
  /** The stable code from the catalogue, such as `required`. */
  readonly code: ProblemCode;
  /** The field the problem is about, from the root of the input. */
  readonly path: readonly PathSegment[];
  /** The message in the requested locale. */
  readonly message: string;
  /** The values the message refers to, for custom wording. */
  readonly params: Readonly<Record<string, unknown>>;
}

/** The outcome of a validation or an operation: a value or its issues. */
export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/** A request document of the JSON operation API. */
export interface Request<Input = unknown, Options = Record<string, unknown>> {
  /** `xuetong.request/1` when given. */
  readonly format?: "xuetong.request/1";
  /** The language of problem messages; English when left out. */
  readonly locale?: Locale;
  /** The operation's input. */
  readonly input: Input;
  /** The operation's settings. */
  readonly options?: Options;
}

/** Settings of a validation: the message language and the options. */
export interface ValidateSettings<Options = Record<string, never>> {
  /** The language of issue messages; English when left out. */
  readonly locale?: Locale;
  /** The operation's options. */
  readonly options?: Options;
}

/** A whole number, as a number or as text. */
export type IntegerInput = number | string;
/** A flag, as a boolean or as the text `true` or `false`. */
export type BooleanInput = boolean | "true" | "false" | string;
/** A decimal written as text, such as `"1.50"`. */
export type DecimalText = string;
/** A calendar date written `YYYY-MM-DD`. */
export type DateText = string;
/** A time of day written `HH:MM` or `HH:MM:SS`. */
export type TimeText = string;
/** An RFC 3339 date and time with a UTC offset. */
export type InstantText = string;
/** A UUID. */
export type UuidText = string;

/** Identity fields of every record: an id, or the source to derive it from. */
export interface IdentityInput {
  readonly id?: UuidText;
  readonly source_system?: string;
  readonly source_key?: string;
}

/** Identity fields of a validated record. */
export interface Identity {
  readonly id: UuidText;
  readonly source_system?: string;
  readonly source_key?: string;
}

/** A learner registration. */
export interface LearnerInput extends IdentityInput {
  readonly display_name: string;
  /** A date, or only the year. */
  readonly birth_date?: DateText | IntegerInput;
  readonly home_venue_id?: UuidText;
  readonly registered_on?: DateText;
}

/** A validated learner. */
export interface Learner extends Identity {
  readonly display_name: string;
  readonly birth_date?: string;
  readonly home_venue_id?: UuidText;
  readonly registered_on?: DateText;
}

/** The tier of a venue in the district network. */
export type VenueTier = "district" | "street" | "community" | "cultural_hall" | "online";

/** A venue. */
export interface VenueInput extends IdentityInput {
  readonly name: string;
  readonly tier: VenueTier;
  readonly parent_id?: UuidText;
  /** An IANA time-zone name such as `Asia/Shanghai`. */
  readonly time_zone: string;
  readonly latitude?: number | string;
  readonly longitude?: number | string;
  readonly seats?: IntegerInput;
  readonly population?: IntegerInput;
  readonly older_population?: IntegerInput;
}

/** A validated venue. */
export interface Venue extends Identity {
  readonly name: string;
  readonly tier: VenueTier;
  readonly parent_id?: UuidText;
  readonly time_zone: string;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly seats?: number;
  readonly population?: number;
  readonly older_population?: number;
}

/** An instructor. */
export interface InstructorInput extends IdentityInput {
  readonly display_name: string;
  readonly home_venue_id?: UuidText;
}

/** A validated instructor. */
export interface Instructor extends Identity {
  readonly display_name: string;
  readonly home_venue_id?: UuidText;
}

/** The level of the three-level course network. */
export type NetworkLevel = "district" | "street" | "village";

/** The audience of a course. */
export type Audience = "all_ages" | "older_residents" | "children";

/** A course being published. */
export interface CourseInput extends IdentityInput {
  readonly code?: string;
  readonly title: string;
  /** A category key such as `tai_chi`, built in or defined in `options.categories`. */
  readonly category: string;
  readonly provider_venue_id: UuidText;
  readonly network_level?: NetworkLevel;
  readonly capacity?: IntegerInput;
  readonly enrolment_opens_at?: InstantText;
  readonly enrolment_closes_at?: InstantText;
  readonly walk_in?: BooleanInput;
  readonly min_age?: IntegerInput;
  readonly max_age?: IntegerInput;
  readonly audience?: Audience;
  readonly residents_only?: BooleanInput;
  readonly credit_value?: DecimalText;
  /** A percentage written as text, such as `"80"`. */
  readonly completion_threshold?: DecimalText;
  readonly assessment_required?: BooleanInput;
}

/** Options of course validation. */
export interface CourseOptions {
  /** Categories defined on top of the built-in taxonomy. */
  readonly categories?: readonly CategoryInput[];
}

/** A validated course. */
export interface Course extends Identity {
  readonly code?: string;
  readonly title: string;
  readonly category: string;
  readonly provider_venue_id: UuidText;
  readonly network_level?: NetworkLevel;
  readonly capacity?: number;
  readonly enrolment_opens_at?: InstantText;
  readonly enrolment_closes_at?: InstantText;
  readonly walk_in: boolean;
  readonly min_age?: number;
  readonly max_age?: number;
  readonly audience: Audience;
  readonly residents_only: boolean;
  readonly credit_value?: DecimalText;
  readonly completion_threshold: DecimalText;
  readonly assessment_required: boolean;
}

/** Whether a session takes place. */
export type SessionStatus = "scheduled" | "cancelled";
/** The instant meant by a local time that occurs twice. */
export type AmbiguousTime = "earlier" | "later";
/** The purpose of a club session. */
export type ClubActivityKind =
  | "practice"
  | "performance"
  | "outreach"
  | "volunteer_service"
  | "competition";

/** A session of a course (`course_id`) or a club (`club_id`), in local time. */
export interface SessionInput extends IdentityInput {
  readonly course_id?: UuidText;
  readonly club_id?: UuidText;
  readonly venue_id: UuidText;
  readonly instructor_ids?: readonly UuidText[];
  readonly date: DateText;
  readonly start_time: TimeText;
  readonly end_time: TimeText;
  readonly end_date?: DateText;
  readonly time_zone?: string;
  readonly ambiguous_time?: AmbiguousTime;
  readonly status?: SessionStatus;
  readonly activity_kind?: ClubActivityKind;
}

/** Options of session validation. */
export interface SessionOptions {
  /** The venue's IANA time zone, used when the session gives none. */
  readonly venue_time_zone?: string;
}

/** A validated session. */
export interface Session extends Identity {
  readonly course_id?: UuidText;
  readonly club_id?: UuidText;
  readonly venue_id: UuidText;
  readonly instructor_ids?: readonly UuidText[];
  readonly date: DateText;
  readonly start_time: TimeText;
  readonly end_time: TimeText;
  readonly end_date?: DateText;
  readonly time_zone?: string;
  readonly ambiguous_time: AmbiguousTime;
  readonly status: SessionStatus;
  readonly activity_kind?: ClubActivityKind;
}

/** The state of an enrolment. */
export type EnrolmentStatus = "confirmed" | "waitlisted" | "withdrawn";

/** An enrolment: a learner's place, or request for a place, in a course. */
export interface EnrolmentInput extends IdentityInput {
  readonly learner_id: UuidText;
  readonly course_id: UuidText;
  readonly requested_at: InstantText;
  readonly status?: EnrolmentStatus;
  readonly confirmed_at?: InstantText;
  readonly withdrawn_at?: InstantText;
  /** The group booking the enrolment belongs to. */
  readonly group_key?: string;
  /** How a group booking is placed; `all_or_nothing` by default. */
  readonly group_mode?: GroupMode;
}

/** How the enrolments of a group booking are placed. */
export type GroupMode = "all_or_nothing" | "partial";

/** A validated enrolment. */
export interface Enrolment extends Identity {
  readonly learner_id: UuidText;
  readonly course_id: UuidText;
  readonly requested_at: InstantText;
  readonly status: EnrolmentStatus;
  readonly confirmed_at?: InstantText;
  readonly withdrawn_at?: InstantText;
  readonly group_key?: string;
  readonly group_mode?: GroupMode;
}

/** Whether a scan records arriving or leaving. */
export type ScanDirection = "check_in" | "check_out";
/** The way a scan was made. */
export type ScanMethod = "qr" | "card" | "manual";

/** A check-in or check-out scan. */
export interface ScanInput extends IdentityInput {
  readonly session_id: UuidText;
  readonly learner_id: UuidText;
  /** When the server received the scan. */
  readonly scanned_at: InstantText;
  readonly direction?: ScanDirection;
  readonly method?: ScanMethod;
  readonly token?: string;
  readonly latitude?: number | string;
  readonly longitude?: number | string;
  /** A client-chosen key that makes retries idempotent. */
  readonly nonce?: string;
}

/** A validated scan. */
export interface Scan extends Identity {
  readonly session_id: UuidText;
  readonly learner_id: UuidText;
  readonly scanned_at: InstantText;
  readonly direction: ScanDirection;
  readonly method: ScanMethod;
  readonly token?: string;
  readonly latitude?: number;
  readonly longitude?: number;
  readonly nonce?: string;
}

/** An excusal of a learner from a session. */
export interface ExcusalInput extends IdentityInput {
  readonly learner_id: UuidText;
  readonly session_id: UuidText;
  readonly reason?: string;
  readonly granted_at?: InstantText;
}

/** A validated excusal. */
export interface Excusal extends Identity {
  readonly learner_id: UuidText;
  readonly session_id: UuidText;
  readonly reason?: string;
  readonly granted_at?: InstantText;
}

/** The kind of a learning outcome. */
export type OutcomeKind =
  | "attendance"
  | "course_completion"
  | "certificate"
  | "award"
  | "volunteer_service"
  | "teaching"
  | "online_learning"
  | "club_activity"
  | "assessment";

/** A learning outcome. The fields that apply depend on `kind`. */
export interface OutcomeInput extends IdentityInput {
  readonly learner_id: UuidText;
  readonly kind: OutcomeKind;
  readonly occurred_on: DateText;
  readonly recorded_on?: DateText;
  readonly role?: "learner" | "instructor";
  readonly minutes?: IntegerInput;
  readonly course_id?: UuidText;
  readonly club_id?: UuidText;
  readonly session_id?: UuidText;
  readonly category?: string;
  readonly title?: string;
  readonly certificate_code?: string;
  readonly certificate_level?: string;
  readonly award_scope?: "national" | "provincial" | "city" | "district";
  readonly award_rank?: "special" | "first" | "second" | "third";
  readonly team?: BooleanInput;
  readonly resource_id?: string;
  readonly evidence?: string;
  readonly banked?: BooleanInput;
  /** An assessment's score, from 0 to 100. */
  readonly score?: IntegerInput;
  /** Whether an assessment was passed. */
  readonly passed?: BooleanInput;
}

/** A validated learning outcome. */
export type Outcome = Identity & {
  readonly learner_id: UuidText;
  readonly kind: OutcomeKind;
  readonly occurred_on: DateText;
} & Readonly<Record<string, unknown>>;

/** The lifecycle state of a learning club. */
export type ClubStatus = "proposed" | "registered" | "active" | "suspended" | "dissolved";

/** A club registration. */
export interface ClubInput extends IdentityInput {
  readonly name: string;
  readonly status?: ClubStatus;
  /** The day the club entered its current status. */
  readonly status_since?: DateText;
  readonly community_venue_id?: UuidText;
  readonly guiding_venue_id?: UuidText;
  readonly founded_on?: DateText;
  /** Whether the club has written rules (a registration requirement). */
  readonly has_rules?: BooleanInput;
}

/** A validated club. */
export interface Club extends Identity {
  readonly name: string;
  readonly status: ClubStatus;
  readonly status_since?: DateText;
  readonly community_venue_id?: UuidText;
  readonly guiding_venue_id?: UuidText;
  readonly founded_on?: DateText;
  /** Present, and true, only when the club has written rules. */
  readonly has_rules?: true;
}

/** A category defined on top of the built-in taxonomy. */
export interface CategoryInput {
  readonly key: string;
  readonly name_en: string;
  readonly name_zh: string;
  readonly parent?: string;
}

/** A validated category definition. */
export interface Category {
  readonly key: string;
  readonly name_en: string;
  readonly name_zh: string;
  readonly parent?: string;
}

/** A role in a club. */
export type MemberRole = "founder" | "core" | "fixed" | "occasional";
/** The duty of a core member. */
export type CoreDuty = "planning_writing" | "training" | "publicity" | "logistics" | "other";

/** One membership period of a learner in a club, `joined_on` up to `left_on`. */
export interface ClubMemberInput {
  readonly club_id: UuidText;
  readonly learner_id: UuidText;
  readonly role: MemberRole;
  /** Required for core members, and only for them. */
  readonly duty?: CoreDuty;
  readonly joined_on: DateText;
  readonly left_on?: DateText;
}

/** A validated membership period. */
export interface ClubMember {
  readonly club_id: UuidText;
  readonly learner_id: UuidText;
  readonly role: MemberRole;
  readonly duty?: CoreDuty;
  readonly joined_on: DateText;
  readonly left_on?: DateText;
}

/** A club with its whole membership history, the input of the club operations. */
export interface ClubRosterInput {
  readonly club: ClubInput;
  readonly members?: readonly ClubMemberInput[];
}

/** A club and its membership history after an operation. */
export interface ClubRoster {
  readonly club: Club;
  readonly members: ClubMember[];
}

/** A lifecycle change of a club. */
export type ClubTransition = "register" | "activate" | "suspend" | "resume" | "dissolve";

/** A membership change on a date. */
export interface ClubMembershipChange extends ClubRosterInput {
  readonly learner_id: UuidText;
  readonly on: DateText;
}

/** A loosely typed document: the operation checks its shape and reports issues. */
// TODO: type the club evaluation, scorecard and learning index documents
// field by field; their shapes are checked by the library only.
export type Document = Readonly<Record<string, unknown>>;

/** The units of a learning index computation. */
export interface LearningIndexInput {
  readonly units: readonly {
    /** The unit's name or id, such as a district. */
    readonly unit: string;
    /** The value of each indicator by key; decimals as text. */
    readonly values?: Readonly<Record<string, string | number | null>>;
    /** Population figures by name, such as `residents`. */
    readonly denominators?: Readonly<Record<string, string | number>>;
  }[];
}

/** A learner's attendance status at one session. */
export type AttendanceStatus =
  | "present"
  | "late"
  | "left_early"
  | "late_and_left_early"
  | "incomplete"
  | "excused"
  | "absent";

/** Whether the first accepted check-in was on time. */
export type Punctuality = "on_time" | "late";

/** A scan to preview: the session, when the server would receive it, and how. */
export interface ScanPreviewInput {
  readonly session: SessionInput;
  readonly scanned_at: InstantText;
  /** `check_in` when left out. */
  readonly direction?: ScanDirection;
  /** For a check-out: when the learner checked in. */
  readonly checked_in_at?: InstantText;
}

/** Options of a scan preview. */
export interface ScanPreviewOptions {
  /** An attendance policy document; the library's default policy when left out. */
  readonly policy?: Document;
  /** The venue's IANA time zone, used when the session gives none. */
  readonly venue_time_zone?: string;
}

/** The instants at which the policy's rules change for one session, in UTC. */
export interface SessionWindows {
  readonly starts_at: InstantText;
  readonly ends_at: InstantText;
  /** The first instant a check-in is accepted. */
  readonly check_in_opens_at: InstantText;
  /** The last instant a check-in is accepted. */
  readonly check_in_closes_at: InstantText;
  /** The last instant a check-in counts as on time. */
  readonly on_time_until: InstantText;
  /** The last instant a check-out is accepted. */
  readonly check_out_closes_at: InstantText;
  /** A check-out before this instant is leaving early. */
  readonly left_early_before: InstantText;
}

/** Whether a scan would be accepted, and the record it would make. */
export interface ScanPreview {
  readonly accepted: boolean;
  /** The rejection code when the scan would be rejected, such as `too_early`. */
  readonly code: ProblemCode | null;
  /** The rejection message in the requested locale; null when accepted. */
  readonly message: string | null;
  /** The status the record would get; null when rejected. */
  readonly status: AttendanceStatus | null;
  readonly punctuality: Punctuality | null;
  /** The minutes the record would credit; null when rejected. */
  readonly credited_minutes: number | null;
  readonly scheduled_minutes: number;
  readonly windows: SessionWindows;
}

/** A learner's records to preview credits for. */
export interface CreditsPreviewInput {
  /** A built-in rule set by name (`community` or `community@1`), or a rule set document. */
  readonly rule_set: string | Document;
  readonly learner_id: UuidText;
  /** The learner's outcomes; those of other learners are ignored. */
  readonly outcomes?: readonly OutcomeInput[];
  readonly courses?: readonly CourseInput[];
  readonly venues?: readonly VenueInput[];
  /** Categories defined on top of the built-in taxonomy. */
  readonly categories?: readonly CategoryInput[];
}

/** The rule set, version and fingerprint credits were computed under. */
export interface RuleSetPin {
  readonly id: string;
  readonly version: number;
  /** A UUID over the rule set's JSON form. */
  readonly fingerprint: UuidText;
}

/** The reason outcomes earned nothing. */
export type SkipReason =
  | "duplicate_outcome"
  | "unknown_learner"
  | "unknown_course"
  | "outside_effective_period"
  | "no_matching_rule"
  | "below_min_minutes"
  | "completion_missing"
  | "evidence_missing"
  | "daily_limit_reached"
  | "missing_credit_value"
  | "no_table_entry"
  | "rounded_to_zero"
  | "below_minimum"
  | "duplicate";

/** Credits a rule would grant, before a ledger records them. */
export interface CreditAccrual {
  /** `accrue`, or `capped` for the zero-value record of an amount a cap withheld. */
  readonly kind: "accrue" | "capped";
  readonly learner_id: UuidText;
  readonly rule_id: string;
  readonly outcome_kind: OutcomeKind;
  readonly category?: string;
  /** The unit that was rounded, such as `course:<id>` or `outcome:<id>`. */
  readonly source: string;
  readonly outcome_ids: readonly UuidText[];
  readonly occurred_on: DateText;
  readonly amount: DecimalText;
  /** The computation of the amount: minutes, events, unrounded and rounded amounts. */
  readonly basis: Document;
  readonly expires_on?: DateText;
  /** The cap behind a `capped` accrual. */
  readonly cap?: Document;
}

/** Outcomes that earned nothing, and why. */
export interface SkippedOutcomes {
  readonly learner_id: UuidText;
  readonly outcome_ids: readonly UuidText[];
  readonly rule_id?: string;
  readonly reason: SkipReason;
  /** The amount they would have earned, where one was computed. */
  readonly amount?: DecimalText;
  /** The source credited instead, for duplicates. */
  readonly credited_instead?: string;
}

/** The credits a learner's records would earn, without a ledger. */
export interface CreditsPreview {
  readonly learner_id: UuidText;
  readonly rule_set: RuleSetPin;
  /** A draft rule set previews, but only a published one may write to a ledger. */
  readonly status: "draft" | "published";
  readonly total: DecimalText;
  readonly accruals: readonly CreditAccrual[];
  readonly skipped: readonly SkippedOutcomes[];
}

/** An operation name with its summary. */
export interface OperationInfo {
  readonly name: OperationName;
  readonly summary: string;
}

/** A catalogue entry: a problem code with its message templates. */
export interface ProblemCodeInfo {
  readonly code: ProblemCode;
  readonly summary: string;
  readonly en: string;
  readonly zh: string;
}

/**
 * The input, options and value of the operations typed field by field: every
 * operation of the package's main module, the previews, and some server
 * operations.
 */
export interface TypedOperations {
  list_operations: { input: unknown; options: Record<string, never>; value: OperationInfo[] };
  list_problem_codes: {
    input: unknown;
    options: Record<string, never>;
    value: ProblemCodeInfo[];
  };
  validate_learner: { input: LearnerInput; options: Record<string, never>; value: Learner };
  validate_venue: { input: VenueInput; options: Record<string, never>; value: Venue };
  validate_instructor: {
    input: InstructorInput;
    options: Record<string, never>;
    value: Instructor;
  };
  validate_course: { input: CourseInput; options: CourseOptions; value: Course };
  validate_session: { input: SessionInput; options: SessionOptions; value: Session };
  validate_enrolment: { input: EnrolmentInput; options: Record<string, never>; value: Enrolment };
  validate_scan: { input: ScanInput; options: Record<string, never>; value: Scan };
  validate_excusal: { input: ExcusalInput; options: Record<string, never>; value: Excusal };
  validate_outcome: { input: OutcomeInput; options: Record<string, never>; value: Outcome };
  validate_club: { input: ClubInput; options: Record<string, never>; value: Club };
  validate_category: { input: CategoryInput; options: Record<string, never>; value: Category };
  validate_club_member: {
    input: ClubMemberInput;
    options: Record<string, never>;
    value: ClubMember;
  };
  preview_scan: { input: ScanPreviewInput; options: ScanPreviewOptions; value: ScanPreview };
  validate_attendance_policy: {
    input: Document;
    options: Record<string, never>;
    value: Document;
  };
  preview_credits: {
    input: CreditsPreviewInput;
    options: Record<string, never>;
    value: CreditsPreview;
  };
  validate_rule_set: { input: Document; options: Record<string, never>; value: Document };
  validate_holiday_calendar: {
    input: Document;
    options: Record<string, never>;
    value: Document;
  };
  club_check_history: {
    input: ClubRosterInput;
    options: Record<string, never>;
    value: ClubRoster & { readonly founders: Document[] };
  };
  club_transition: {
    input: ClubRosterInput & { readonly transition: ClubTransition; readonly on: DateText };
    options: { readonly registration?: Document };
    value: ClubRoster;
  };
  club_join: {
    input: ClubMembershipChange & { readonly role: MemberRole; readonly duty?: CoreDuty };
    options: Record<string, never>;
    value: ClubRoster;
  };
  club_leave: { input: ClubMembershipChange; options: Record<string, never>; value: ClubRoster };
  club_change_role: {
    input: ClubMembershipChange & { readonly role: MemberRole; readonly duty?: CoreDuty };
    options: Record<string, never>;
    value: ClubRoster;
  };
  club_hand_over: {
    input: ClubMembershipChange & {
      readonly former_founder_role?: "core" | "fixed" | "occasional" | "leaves";
      readonly former_founder_duty?: CoreDuty;
    };
    options: Record<string, never>;
    value: ClubRoster;
  };
  club_evaluate: {
    input: {
      readonly club: ClubInput;
      readonly year: IntegerInput;
      readonly members?: readonly ClubMemberInput[];
      readonly activities?: readonly SessionInput[];
      readonly check_ins?: readonly Document[];
      readonly recorded_session_ids?: readonly UuidText[];
      readonly outcomes?: readonly OutcomeInput[];
    };
    options: { readonly scorecard?: Document };
    value: Document;
  };
  club_default_scorecard: { input: unknown; options: Record<string, never>; value: Document };
  learning_index: {
    input: LearningIndexInput;
    options: { readonly config?: Document };
    value: Document;
  };
  learning_index_rank_shift: {
    input: LearningIndexInput;
    options: { readonly baseline?: Document; readonly alternative?: Document };
    value: Document;
  };
  learning_index_default_config: {
    input: unknown;
    options: Record<string, never>;
    value: Document;
  };
}

/**
 * An operation typed loosely: the library checks the input and options and
 * reports what is wrong as issues.
 */
export interface ServerOperation {
  input: unknown;
  options: Document;
  value: unknown;
}

/** The input, options and value of every operation of the library, by name. */
export type Operations = TypedOperations & {
  [Name in Exclude<OperationName, keyof TypedOperations>]: ServerOperation;
};

/** The operations that validate one record. */
export type ValidationOperation = Extract<keyof TypedOperations, `validate_${string}`>;

// Compile-time checks that the input types above list exactly the fields the
// library reads, required and optional, as generated into RecordFields. A
// field added in Rust fails the package build until it is typed here.
type RequiredKeys<T> = {
  [K in keyof T]-?: Record<string, never> extends Pick<T, K> ? never : K;
}[keyof T];
type OptionalKeys<T> = Exclude<keyof T, RequiredKeys<T>>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type FieldsMatch<T, Kind extends keyof RecordFields> = Same<
  RequiredKeys<T>,
  RecordFields[Kind]["required"]
> extends true
  ? Same<OptionalKeys<T>, RecordFields[Kind]["optional"]>
  : false;
type Check<T extends true> = T;

type FieldChecks = [
  Check<FieldsMatch<LearnerInput, "learner">>,
  Check<FieldsMatch<VenueInput, "venue">>,
  Check<FieldsMatch<InstructorInput, "instructor">>,
  Check<FieldsMatch<CourseInput, "course">>,
  Check<FieldsMatch<SessionInput, "session">>,
  Check<FieldsMatch<EnrolmentInput, "enrolment">>,
  Check<FieldsMatch<ScanInput, "scan">>,
  Check<FieldsMatch<ExcusalInput, "excusal">>,
  Check<FieldsMatch<OutcomeInput, "outcome">>,
  Check<FieldsMatch<ClubInput, "club">>,
  Check<FieldsMatch<CategoryInput, "category">>,
  Check<FieldsMatch<ClubMemberInput, "club_member">>,
];
