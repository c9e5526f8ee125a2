import { readFile } from 'node:fs/promises'
import { TwinflowError } from '@twinflow/core'
import { type EnvLookup, interpolateEnv } from '../../config/interpolate-env.ts'
import { parseConfig } from '../../config/parse-config.ts'
import type { Command } from '../command-context.ts'
import { findConfigFile } from '../find-config-file.ts'

const QUERY = `query($stream: String!, $stage: String, $reason: String, $limit: Int, $after: String) {
  pipeline { rejectedInputs(stream: $stream, stage: $stage, reason: $reason, limit: $limit, after: $after) {
    items { stream stage reason at payload payloadBytes truncated topic partition offset source position }
    pageInfo { hasNextPage endCursor } } } }`

interface RejectedInput {
  stage: string
  reason: string
  at: string
  payload: string
  payloadBytes: number
  truncated: boolean
  topic: string | null
  partition: number | null
  offset: number | null
  source: string | null
  position: string | null
}

/**
 * `twinflow dead-letters --stream <s>`: what the running server's `pipeline { rejectedInputs }`
 * answers, one input per line (or JSON lines). It asks the server rather than the queue, so it
 * works on the embedded queue (which lives in that process) and under the API's permissions.
 */
export const deadLettersCommand: Command = async ({ options, env }) => {
  if (!options.stream)
    throw new TwinflowError('config', 'usage: twinflow dead-letters --stream <name> [--stage <s>] [--reason <prefix>] [--limit <n>] [--url <graphql url>] [--json]')
  const limit = options.limit === undefined ? 20 : Number(options.limit)
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new TwinflowError('config', `--limit must be an integer from 1 to 1000, got "${options.limit}"`)
  const url = options.url ?? (await configuredUrl(findConfigFile('dead-letters', options.config ?? env.configPath), env.variables))
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
  if (env.apiKey) headers['x-api-key'] = env.apiKey
  if (env.token) headers.authorization = `Bearer ${env.token}`
  const variables = { stream: options.stream, stage: options.stage ?? null, reason: options.reason ?? null, limit }
  let response: Response
  try {
    response = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: QUERY, variables }) })
  } catch (error) {
    throw new TwinflowError('unavailable', `no Twinflow server answers at ${url} (${(error as Error).message}): start one (twinflow dev or start --role serve), or give --url`, {
      cause: error,
    })
  }
  const body = (await response.json().catch(() => ({}))) as {
    data?: { pipeline: { rejectedInputs: { items: RejectedInput[]; pageInfo: { hasNextPage: boolean } } } }
    errors?: { message: string }[]
  }
  if (body.errors?.length || !body.data) throw new TwinflowError('config', `${url} answered: ${body.errors?.map((e) => e.message).join('; ') ?? `HTTP ${response.status}`}`)
  const { items, pageInfo } = body.data.pipeline.rejectedInputs
  for (const item of items) {
    if (options.json) console.log(JSON.stringify(item))
    else {
      const where =
        item.topic !== null ? ` ${item.topic}[${item.partition}]@${item.offset}` : item.source !== null ? ` ${item.source}${item.position === null ? '' : ` ${item.position}`}` : ''
      const payload = item.payload.length > 160 ? `${item.payload.slice(0, 160)}…` : item.payload
      console.log(`${item.at} ${item.stage}${where}: ${item.reason}\n    ${JSON.stringify(payload)} (${item.payloadBytes} bytes${item.truncated ? ', cut' : ''})`)
    }
  }
  if (!options.json)
    console.log(
      items.length === 0
        ? `no rejected inputs of ${options.stream}${options.stage ? ` at stage ${options.stage}` : ''}`
        : pageInfo.hasNextPage
          ? `(${items.length} shown; more with --limit)`
          : `(${items.length})`,
    )
  return 0
}

async function configuredUrl(file: string, variables: EnvLookup): Promise<string> {
  const config = parseConfig(interpolateEnv(JSON.parse(await readFile(file, 'utf8')), variables, `config file ${file}`), { origin: `config file ${file}` })
  const host = config.serving.host === '0.0.0.0' ? '127.0.0.1' : config.serving.host
  return `http://${host}:${config.serving.port}${config.serving.path}`
}
