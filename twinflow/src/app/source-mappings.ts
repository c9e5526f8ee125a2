import type { TwinflowConfig } from '../config/twinflow-config.ts'

/** The field mappings of the configured sources, by instance name (the name a source plugin gets), with their config path for errors. */
export function sourceMappings(config: Pick<TwinflowConfig, 'sources'>): Map<string, { mapping: unknown; where: string }> {
  const mappings = new Map<string, { mapping: unknown; where: string }>()
  config.sources.forEach((ref, i) => {
    if (ref.mapping !== undefined) mappings.set(ref.name ?? `${ref.plugin}-${i}`, { mapping: ref.mapping, where: `sources[${i}].mapping` })
  })
  return mappings
}
