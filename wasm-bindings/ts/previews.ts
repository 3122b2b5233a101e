// Previews for front ends: the status and credited minutes a scan would
// get, and the credits a learner's records would earn, computed by the
// library's attendance and credit engines.
//
// previewScan runs in the main module and returns at once, so a page can
// preview on every keystroke. previewCredits needs the credit engine, which
// only the full module carries, so it returns a promise and loads that
// module the first time it is called.

import { call, callAsync } from "./api.js";
import { settingsFailure } from "./issues.js";
import type {
  CreditsPreview,
  CreditsPreviewInput,
  Locale,
  Result,
  ScanPreview,
  ScanPreviewInput,
  ScanPreviewOptions,
} from "./types.js";

/** Settings of a preview: the message language and the options. */
export interface PreviewSettings<Options> {
  readonly locale?: Locale;
  readonly options?: Options;
}

/**
 * Previews whether one scan would be accepted under an attendance policy,
 * and the status and credited minutes its record would get.
 *
 * @example
 * const preview = previewScan({ session, scanned_at: "2026-03-02T09:12:00+08:00" });
 * if (preview.ok && preview.value.accepted) show(preview.value.status); // "late"
 */
export function previewScan(
  input: ScanPreviewInput,
  settings: PreviewSettings<ScanPreviewOptions> = {},
): Result<ScanPreview> {
  const failure = settingsFailure(settings);
  if (failure !== undefined) {
    return failure;
  }
  return call("preview_scan", { locale: settings?.locale, input, options: settings?.options });
}

/**
 * Previews the credits one learner's outcomes would earn under a rule set,
 * drafts included, without a ledger. Loads the full module on first use.
 */
export function previewCredits(
  input: CreditsPreviewInput,
  settings: PreviewSettings<Record<string, never>> = {},
): Promise<Result<CreditsPreview>> {
  const failure = settingsFailure(settings);
  if (failure !== undefined) {
    return Promise.resolve(failure);
  }
  return callAsync("preview_credits", {
    locale: settings?.locale,
    input,
    options: settings?.options,
  });
}
