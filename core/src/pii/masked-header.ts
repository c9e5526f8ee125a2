/**
 * The header Twinflow's own producers (ingest, the test kit) put on a message of a stream with
 * personal fields, once they masked it: its value is the masking version. The consumers mask an
 * event without it before writing anything, and never mask one with it again.
 */
export const MASKED_HEADER = 'twinflow-masked'

/** The masking version of this release (what `MASKED_HEADER` says). */
export const MASKING_VERSION = '1'

/** The headers of a message masked by Twinflow. */
export const MASKED_HEADERS: Readonly<Record<string, string>> = Object.freeze({ [MASKED_HEADER]: MASKING_VERSION })

/** Whether a record was masked by a Twinflow producer (any masking version: a masked value is never masked twice). */
export function isMasked(headers: Readonly<Record<string, string>> | undefined): boolean {
  return headers?.[MASKED_HEADER] !== undefined
}
