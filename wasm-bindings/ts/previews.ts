// Previews for front ends: the status and credited minutes a scan would
// get, and the credits a learner's records would earn, computed by the
// library's attendance and credit engines.
//
// TODO: both return an unknown_operation issue in the package for now.
// preview_scan is not in the library yet, and the package leaves
// preview_credits out because the credit engine alone adds about 110 KB
// gzipped to the module (BENCHMARKS.md). Once they are in the module, move
// their types into TypedOperations in types.ts.

import { call } from "./api.js";
import type {
  CategoryInput,
  CourseInput,
  DecimalText,
  Document,
  InstantText,
  Locale,
  OutcomeInput,
  Result,
  ScanDirection,
  SessionInput,
  UuidText,
  VenueInput,
} from "./types.js";

/** A scan to preview: the session, when the server would receive it, and how. */
export interface ScanPreviewInput {
  readonly session: SessionInput;
  readonly scanned_at: InstantText;
  readonly direction?: ScanDirection;
  /** For a check-out: when the learner checked in. */
  readonly checked_in_at?: InstantText;
}

/** Options of a scan preview. */
export interface ScanPreviewOptions {
  /** The attendance policy; the library's default when left out. */
  readonly policy?: Document;
  /** The venue's IANA time zone, used when the session gives none. */
  readonly venue_time_zone?: string;
}

/** Whether a scan would be accepted, and the record it would make. */
export interface ScanPreview {
  readonly accepted: boolean;
  /** The rejection code when the scan would be rejected. */
  readonly code: string | null;
  readonly message: string;
  readonly status: string | null;
  readonly punctuality: string | null;
  readonly credited_minutes: number | null;
  readonly scheduled_minutes: number;
  /** The session's windows as UTC instants, such as `check_in_opens_at`. */
  readonly windows: Readonly<Record<string, InstantText>>;
}

/** A learner's records to preview credits for. */
export interface CreditsPreviewInput {
  /** A built-in rule set by name (`name` or `name@version`), or a rule set document. */
  readonly rule_set: string | Document;
  readonly learner_id: UuidText;
  readonly outcomes?: readonly OutcomeInput[];
  readonly courses?: readonly CourseInput[];
  readonly venues?: readonly VenueInput[];
  readonly categories?: readonly CategoryInput[];
}

/** The credits a learner's records would earn, without a ledger. */
export interface CreditsPreview {
  readonly learner_id: UuidText;
  readonly rule_set: Document;
  readonly status: string;
  readonly total: DecimalText;
  readonly accruals: readonly Document[];
  readonly skipped: readonly Document[];
}

/** Settings of a preview. */
export interface PreviewSettings<Options> {
  readonly locale?: Locale;
  readonly options?: Options;
}

/** Previews the status and credited minutes of one scan under a policy. */
export function previewScan(
  input: ScanPreviewInput,
  settings: PreviewSettings<ScanPreviewOptions> = {},
): Result<ScanPreview> {
  const request = { locale: settings.locale, input, options: settings.options };
  return call("preview_scan", request) as Result<ScanPreview>;
}

/** Previews the credits one learner's outcomes earn under a rule set. */
export function previewCredits(
  input: CreditsPreviewInput,
  settings: PreviewSettings<Record<string, never>> = {},
): Result<CreditsPreview> {
  const request = { locale: settings.locale, input, options: settings.options };
  return call("preview_credits", request) as Result<CreditsPreview>;
}
