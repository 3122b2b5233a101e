// Generated from the xuetong library by tests/wasm_types.rs: do not edit.
// Regenerate with `UPDATE_TYPES=1 cargo test -p xuetong-tests --test wasm_types`.

/** Every problem code of the catalogue (docs/error-codes.md). */
export type ProblemCode =
  | "required"
  | "unknown_field"
  | "invalid_type"
  | "invalid_uuid"
  | "invalid_date"
  | "invalid_time"
  | "invalid_instant"
  | "invalid_time_zone"
  | "invalid_integer"
  | "out_of_range"
  | "invalid_decimal"
  | "invalid_boolean"
  | "invalid_choice"
  | "too_long"
  | "control_character"
  | "invalid_coordinate"
  | "incomplete_location"
  | "personal_data_field"
  | "unsupported_format"
  | "malformed_json"
  | "incomplete_source"
  | "id_not_derived"
  | "range_inverted"
  | "ends_before_start"
  | "invalid_category_key"
  | "unknown_category"
  | "session_owner"
  | "field_not_applicable"
  | "required_for_kind"
  | "parent_is_self"
  | "status_mismatch"
  | "nonexistent_local_time"
  | "invalid_session_length"
  | "time_zone_unknown"
  | "ambiguous_end_time"
  | "date_out_of_range"
  | "count_past_year_9999"
  | "series_end"
  | "series_too_long"
  | "weekdays_unreachable"
  | "unknown_holiday_calendar"
  | "holiday_year_unknown"
  | "invalid_holiday_calendar"
  | "invalid_url"
  | "duplicate_holiday_year"
  | "holiday_days_mismatch"
  | "holiday_outside_year"
  | "invalid_make_up_day"
  | "ical_syntax"
  | "ical_missing_property"
  | "ical_unsupported"
  | "ical_unknown_time_zone"
  | "ical_time_zone_missing"
  | "ical_all_day_event"
  | "ical_unbounded_rule"
  | "ical_dtstart_not_in_rule"
  | "ical_too_large"
  | "ical_too_many_sessions"
  | "ical_repeated_override"
  | "ical_unmatched_override"
  | "below_min_age"
  | "above_max_age"
  | "not_older_resident"
  | "not_a_child"
  | "age_undetermined"
  | "birth_date_missing"
  | "birth_after_measuring_date"
  | "home_venue_missing"
  | "not_resident"
  | "residence_undetermined"
  | "measuring_date_unknown"
  | "learner_unknown"
  | "enrolment_not_open"
  | "enrolment_closed"
  | "not_eligible"
  | "duplicate_in_group"
  | "not_enrolled"
  | "capacity_below_confirmed"
  | "operation_out_of_order"
  | "enrolment_wrong_course"
  | "duplicate_enrolment_id"
  | "duplicate_confirmed_place"
  | "capacity_exceeded"
  | "missing_file"
  | "unknown_file"
  | "empty_file"
  | "wrong_field_count"
  | "missing_column"
  | "wrong_separator"
  | "unknown_column"
  | "unclosed_quote"
  | "duplicate_column"
  | "invalid_encoding"
  | "unsupported_encoding"
  | "gb18030_detected"
  | "duplicate_key"
  | "unknown_reference"
  | "invalid_parent_tier"
  | "transition_not_allowed"
  | "registration_needs_founder"
  | "registration_needs_members"
  | "membership_overlap"
  | "not_a_member"
  | "founder_must_hand_over"
  | "hand_over_needs_core_member"
  | "founder_by_hand_over"
  | "former_founder_rejoin"
  | "club_dissolved"
  | "founder_gap"
  | "founder_overlap"
  | "member_after_dissolution"
  | "member_of_other_club"
  | "duplicate_entry"
  | "invalid_scorecard"
  | "scorecard_weights_zero"
  | "evaluation_overflow"
  | "invalid_index_config"
  | "index_weights_zero"
  | "duplicate_unit"
  | "unknown_indicator"
  | "constant_indicator"
  | "scope_not_found"
  | "scope_tier_mismatch"
  | "attendance_not_from_bundle"
  | "scan_in_future"
  | "unknown_session"
  | "unknown_learner"
  | "session_cancelled"
  | "missing_token"
  | "invalid_token"
  | "expired_token"
  | "token_not_yet_valid"
  | "static_token_not_allowed"
  | "missing_location"
  | "outside_geofence"
  | "too_early"
  | "too_late"
  | "check_in_not_enrolled"
  | "no_check_in"
  | "conflicting_scan_id"
  | "invalid_token_key"
  | "reference_not_in_input"
  | "duplicate_input_id"
  | "unknown_operation"
  | "invalid_request"
  | "invalid_rule_id"
  | "duplicate_rule_id"
  | "empty_rule_set"
  | "unknown_rule_id"
  | "formula_not_applicable"
  | "invalid_table_key"
  | "rolling_stage_period"
  | "invalid_month_day"
  | "invalid_semester_starts"
  | "invalid_limit"
  | "rule_set_changed"
  | "rule_set_not_published"
  | "unknown_rule_set"
  | "entry_not_found"
  | "already_revoked"
  | "reversal_mismatch"
  | "expiry_of_non_accrual"
  | "revoke_of_revoke"
  | "duplicate_entry_id"
  | "revoke_amount_mismatch"
  | "invalid_ledger_entry"
  | "zero_adjustment"
  | "amount_overflow"
  | "recorded_before_ledger"
  | "occurred_after_recording"
  | "expiry_after_recording"
  | "ledger_tampered"
  | "invalid_iri"
  | "duplicate_row"
  | "conflicting_value"
  | "withdrawal_mismatch"
  | "invalid_run_code"
  | "unmapped_value"
  | "date_range_mismatch"
  | "weekday_mismatch"
  | "end_date_mismatch"
  | "unexpected_ignored_value"
  | "file_not_imported";

/** Every problem code, in catalogue order. */
export const PROBLEM_CODES: readonly ProblemCode[] = [
  "required",
  "unknown_field",
  "invalid_type",
  "invalid_uuid",
  "invalid_date",
  "invalid_time",
  "invalid_instant",
  "invalid_time_zone",
  "invalid_integer",
  "out_of_range",
  "invalid_decimal",
  "invalid_boolean",
  "invalid_choice",
  "too_long",
  "control_character",
  "invalid_coordinate",
  "incomplete_location",
  "personal_data_field",
  "unsupported_format",
  "malformed_json",
  "incomplete_source",
  "id_not_derived",
  "range_inverted",
  "ends_before_start",
  "invalid_category_key",
  "unknown_category",
  "session_owner",
  "field_not_applicable",
  "required_for_kind",
  "parent_is_self",
  "status_mismatch",
  "nonexistent_local_time",
  "invalid_session_length",
  "time_zone_unknown",
  "ambiguous_end_time",
  "date_out_of_range",
  "count_past_year_9999",
  "series_end",
  "series_too_long",
  "weekdays_unreachable",
  "unknown_holiday_calendar",
  "holiday_year_unknown",
  "invalid_holiday_calendar",
  "invalid_url",
  "duplicate_holiday_year",
  "holiday_days_mismatch",
  "holiday_outside_year",
  "invalid_make_up_day",
  "ical_syntax",
  "ical_missing_property",
  "ical_unsupported",
  "ical_unknown_time_zone",
  "ical_time_zone_missing",
  "ical_all_day_event",
  "ical_unbounded_rule",
  "ical_dtstart_not_in_rule",
  "ical_too_large",
  "ical_too_many_sessions",
  "ical_repeated_override",
  "ical_unmatched_override",
  "below_min_age",
  "above_max_age",
  "not_older_resident",
  "not_a_child",
  "age_undetermined",
  "birth_date_missing",
  "birth_after_measuring_date",
  "home_venue_missing",
  "not_resident",
  "residence_undetermined",
  "measuring_date_unknown",
  "learner_unknown",
  "enrolment_not_open",
  "enrolment_closed",
  "not_eligible",
  "duplicate_in_group",
  "not_enrolled",
  "capacity_below_confirmed",
  "operation_out_of_order",
  "enrolment_wrong_course",
  "duplicate_enrolment_id",
  "duplicate_confirmed_place",
  "capacity_exceeded",
  "missing_file",
  "unknown_file",
  "empty_file",
  "wrong_field_count",
  "missing_column",
  "wrong_separator",
  "unknown_column",
  "unclosed_quote",
  "duplicate_column",
  "invalid_encoding",
  "unsupported_encoding",
  "gb18030_detected",
  "duplicate_key",
  "unknown_reference",
  "invalid_parent_tier",
  "transition_not_allowed",
  "registration_needs_founder",
  "registration_needs_members",
  "membership_overlap",
  "not_a_member",
  "founder_must_hand_over",
  "hand_over_needs_core_member",
  "founder_by_hand_over",
  "former_founder_rejoin",
  "club_dissolved",
  "founder_gap",
  "founder_overlap",
  "member_after_dissolution",
  "member_of_other_club",
  "duplicate_entry",
  "invalid_scorecard",
  "scorecard_weights_zero",
  "evaluation_overflow",
  "invalid_index_config",
  "index_weights_zero",
  "duplicate_unit",
  "unknown_indicator",
  "constant_indicator",
  "scope_not_found",
  "scope_tier_mismatch",
  "attendance_not_from_bundle",
  "scan_in_future",
  "unknown_session",
  "unknown_learner",
  "session_cancelled",
  "missing_token",
  "invalid_token",
  "expired_token",
  "token_not_yet_valid",
  "static_token_not_allowed",
  "missing_location",
  "outside_geofence",
  "too_early",
  "too_late",
  "check_in_not_enrolled",
  "no_check_in",
  "conflicting_scan_id",
  "invalid_token_key",
  "reference_not_in_input",
  "duplicate_input_id",
  "unknown_operation",
  "invalid_request",
  "invalid_rule_id",
  "duplicate_rule_id",
  "empty_rule_set",
  "unknown_rule_id",
  "formula_not_applicable",
  "invalid_table_key",
  "rolling_stage_period",
  "invalid_month_day",
  "invalid_semester_starts",
  "invalid_limit",
  "rule_set_changed",
  "rule_set_not_published",
  "unknown_rule_set",
  "entry_not_found",
  "already_revoked",
  "reversal_mismatch",
  "expiry_of_non_accrual",
  "revoke_of_revoke",
  "duplicate_entry_id",
  "revoke_amount_mismatch",
  "invalid_ledger_entry",
  "zero_adjustment",
  "amount_overflow",
  "recorded_before_ledger",
  "occurred_after_recording",
  "expiry_after_recording",
  "ledger_tampered",
  "invalid_iri",
  "duplicate_row",
  "conflicting_value",
  "withdrawal_mismatch",
  "invalid_run_code",
  "unmapped_value",
  "date_range_mismatch",
  "weekday_mismatch",
  "end_date_mismatch",
  "unexpected_ignored_value",
  "file_not_imported",
];

/** Every operation of the JSON operation API. */
export type OperationName =
  | "list_operations"
  | "list_problem_codes"
  | "validate_learner"
  | "validate_venue"
  | "validate_instructor"
  | "validate_course"
  | "validate_session"
  | "validate_enrolment"
  | "validate_scan"
  | "validate_excusal"
  | "validate_outcome"
  | "validate_club"
  | "validate_category"
  | "validate_club_member"
  | "club_check_history"
  | "club_transition"
  | "club_join"
  | "club_leave"
  | "club_change_role"
  | "club_hand_over"
  | "club_evaluate"
  | "club_default_scorecard"
  | "learning_index"
  | "learning_index_rank_shift"
  | "learning_index_default_config"
  | "compute_statistics"
  | "district_index_inputs"
  | "club_evaluation_input"
  | "list_rule_sets"
  | "validate_rule_set"
  | "compute_credits"
  | "preview_credits"
  | "revoke_entry"
  | "adjust_credits"
  | "expire_credits"
  | "credit_balances"
  | "transcript"
  | "export_credit_bank"
  | "export_xapi"
  | "resolve_session"
  | "expand_schedule"
  | "list_holidays"
  | "classify_dates"
  | "validate_holiday_calendar"
  | "import_ical"
  | "export_ical"
  | "check_eligibility"
  | "enrolment_apply"
  | "evaluate_attendance"
  | "preview_scan"
  | "issue_check_in_token"
  | "validate_attendance_policy"
  | "run_season";

/** Every operation name, in the order the API lists them. */
export const OPERATION_NAMES: readonly OperationName[] = [
  "list_operations",
  "list_problem_codes",
  "validate_learner",
  "validate_venue",
  "validate_instructor",
  "validate_course",
  "validate_session",
  "validate_enrolment",
  "validate_scan",
  "validate_excusal",
  "validate_outcome",
  "validate_club",
  "validate_category",
  "validate_club_member",
  "club_check_history",
  "club_transition",
  "club_join",
  "club_leave",
  "club_change_role",
  "club_hand_over",
  "club_evaluate",
  "club_default_scorecard",
  "learning_index",
  "learning_index_rank_shift",
  "learning_index_default_config",
  "compute_statistics",
  "district_index_inputs",
  "club_evaluation_input",
  "list_rule_sets",
  "validate_rule_set",
  "compute_credits",
  "preview_credits",
  "revoke_entry",
  "adjust_credits",
  "expire_credits",
  "credit_balances",
  "transcript",
  "export_credit_bank",
  "export_xapi",
  "resolve_session",
  "expand_schedule",
  "list_holidays",
  "classify_dates",
  "validate_holiday_calendar",
  "import_ical",
  "export_ical",
  "check_eligibility",
  "enrolment_apply",
  "evaluate_attendance",
  "preview_scan",
  "issue_check_in_token",
  "validate_attendance_policy",
  "run_season",
];

/** The required and optional fields of each input record. */
export interface RecordFields {
  learner: {
    required:
      | "display_name";
    optional:
      | "id"
      | "source_system"
      | "source_key"
      | "birth_date"
      | "home_venue_id"
      | "registered_on";
  };
  venue: {
    required:
      | "name"
      | "tier"
      | "time_zone";
    optional:
      | "id"
      | "source_system"
      | "source_key"
      | "parent_id"
      | "latitude"
      | "longitude"
      | "seats"
      | "population"
      | "older_population";
  };
  instructor: {
    required:
      | "display_name";
    optional:
      | "id"
      | "source_system"
      | "source_key"
      | "home_venue_id";
  };
  course: {
    required:
      | "title"
      | "category"
      | "provider_venue_id";
    optional:
      | "id"
      | "source_system"
      | "source_key"
      | "code"
      | "network_level"
      | "capacity"
      | "enrolment_opens_at"
      | "enrolment_closes_at"
      | "walk_in"
      | "min_age"
      | "max_age"
      | "audience"
      | "residents_only"
      | "credit_value"
      | "completion_threshold"
      | "assessment_required";
  };
  session: {
    required:
      | "venue_id"
      | "date"
      | "start_time"
      | "end_time";
    optional:
      | "id"
      | "source_system"
      | "source_key"
      | "course_id"
      | "club_id"
      | "instructor_ids"
      | "end_date"
      | "time_zone"
      | "ambiguous_time"
      | "status"
      | "activity_kind";
  };
  enrolment: {
    required:
      | "learner_id"
      | "course_id"
      | "requested_at";
    optional:
      | "id"
      | "source_system"
      | "source_key"
      | "status"
      | "confirmed_at"
      | "withdrawn_at"
      | "group_key"
      | "group_mode";
  };
  scan: {
    required:
      | "session_id"
      | "learner_id"
      | "scanned_at";
    optional:
      | "id"
      | "source_system"
      | "source_key"
      | "direction"
      | "method"
      | "token"
      | "latitude"
      | "longitude"
      | "nonce";
  };
  excusal: {
    required:
      | "learner_id"
      | "session_id";
    optional:
      | "id"
      | "source_system"
      | "source_key"
      | "reason"
      | "granted_at";
  };
  outcome: {
    required:
      | "learner_id"
      | "kind"
      | "occurred_on";
    optional:
      | "id"
      | "source_system"
      | "source_key"
      | "recorded_on"
      | "role"
      | "minutes"
      | "course_id"
      | "club_id"
      | "session_id"
      | "category"
      | "title"
      | "certificate_code"
      | "certificate_level"
      | "award_scope"
      | "award_rank"
      | "team"
      | "resource_id"
      | "evidence"
      | "banked"
      | "score"
      | "passed";
  };
  club: {
    required:
      | "name";
    optional:
      | "id"
      | "source_system"
      | "source_key"
      | "status"
      | "status_since"
      | "community_venue_id"
      | "guiding_venue_id"
      | "founded_on"
      | "has_rules";
  };
  category: {
    required:
      | "key"
      | "name_en"
      | "name_zh";
    optional:
      | "parent";
  };
  club_member: {
    required:
      | "club_id"
      | "learner_id"
      | "role"
      | "joined_on";
    optional:
      | "duty"
      | "left_on";
  };
}
