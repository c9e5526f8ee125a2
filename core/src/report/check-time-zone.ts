import { TwinflowError } from '../errors/twinflow-error.ts'

/** Checks an IANA time zone name (`Asia/Jakarta`, `UTC`) against the runtime's zone database; returns its canonical name. */
export function checkTimeZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone
  } catch {
    throw new TwinflowError('config', `time zone ${JSON.stringify(zone)} is not an IANA time zone name; use one such as "Asia/Jakarta", "Europe/Berlin" or "UTC"`)
  }
}
