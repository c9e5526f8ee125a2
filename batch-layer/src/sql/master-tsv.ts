import { TwinflowError, type StreamDef } from '@twinflow/core'
import type { ArchivedRecord } from '../engine/batch-layer-engine.ts'
import { MASTER_SYSTEM_COLUMNS, REJECTED_FIELD_VALUES } from './master-table-sql.ts'

const SPECIAL = /[\\\t\n\r]/
const SPECIALS = /[\\\t\n\r]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/**
 * A stream's master-table rows as TabSeparated text (ClickHouseDriver.insertTsv): the system
 * columns, then the stream's fields in declaration order. A row holds what `ingest` stores of the
 * same record: booleans as 0/1, null as `\N`, a rejected record's fields as their kinds' defaults.
 */
export const masterTsv = {
  columns(stream: StreamDef): string[] {
    return [...MASTER_SYSTEM_COLUMNS.map((c) => c.name), ...Object.keys(stream.fields)]
  },

  /** One row's line (with its line feed) from its system values and its fields' text (`fields`: tab-separated, escaped). */
  line(partition: number, offset: number, error: string, fields: string): string {
    return `${partition}\t${offset}\t${error === '' ? '' : escapeTsv(error)}\t${fields}\n`
  },

  /** The line of an archived record; throws (`validation`) for an accepted event without a declared field, as `ingest` does. */
  ofRecord(stream: StreamDef): (record: ArchivedRecord) => string {
    const entries = Object.entries(stream.fields)
    const names = entries.map(([name]) => name)
    const rejected = entries.map(([, type]) => String(REJECTED_FIELD_VALUES[type.kind])).join('\t')
    return (record) => {
      if (record.error) return masterTsv.line(record.partition, record.offset, record.error, rejected)
      let fields = ''
      for (let i = 0; i < names.length; i++) {
        const value = record.event[names[i]!]
        if (value === undefined) {
          throw new TwinflowError('validation', `event at partition ${record.partition} offset ${record.offset} of stream "${stream.name}" has no field "${names[i]}"`)
        }
        if (i > 0) fields += '\t'
        fields += tsvValue(value)
      }
      return masterTsv.line(record.partition, record.offset, '', fields)
    }
  },
}

/** A string as a TabSeparated value: backslash, tab, line feed and carriage return escaped. */
export function escapeTsv(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]!) : text
}

/** A decoded value as TabSeparated text: what ClickHouse reads as the value JSONEachRow gives it. */
function tsvValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return escapeTsv(value)
    case 'number':
      return String(value)
    case 'boolean':
      return value ? '1' : '0'
    default:
      if (value === null) return '\\N'
      throw new TwinflowError('validation', `a value of type ${typeof value} has no TabSeparated text`)
  }
}
