import { fieldMappingSchema, type Source, type StreamDef, TwinflowError } from '@twinflow/core'

/**
 * Refuses a source whose checkpoint would hold the raw values of a personal field (see
 * Source.checkpointInputs): an input is the field it is renamed to, or, not renamed or dropped, the
 * field of its name. A `config` error naming the source's option and what to use instead.
 */
export function checkCheckpointInputs(stream: StreamDef, source: Source, mapping: unknown): void {
  const inputs = source.checkpointInputs ?? []
  if (inputs.length === 0) return
  const { rename, drop } = fieldMappingSchema.parse(mapping ?? {})
  for (const { input, option } of inputs) {
    const field = Object.hasOwn(rename, input) ? rename[input]! : drop.includes(input) ? undefined : input
    if (field === undefined || !Object.hasOwn(stream.fields, field)) continue
    const policy = stream.fields[field]!.piiPolicy
    if (policy === undefined) continue
    throw new TwinflowError(
      'config',
      `source "${source.name}": ${option} "${input}" is the personal field "${field}" of stream "${stream.name}" (pii('${policy.mode}')); ` +
        'the source keeps its last value in a checkpoint, which is not masked. Use a column or field that is not personal (an increasing id or an update time).',
    )
  }
}
