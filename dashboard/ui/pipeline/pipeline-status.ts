import type { GraphQLClient } from '../api/graphql-client.ts'

export interface PipelineStatus {
  views: {
    name: string
    stream: string
    window: string
    batch: { current: { version: number; cutoff: string; publishedAt: string } | null; versions: { version: number }[] }
    freshness: { newestEventTime: string | null; realtimeLagMs: number | null; pendingEvents: number }
  }[]
  streams: {
    name: string
    topic: string
    views: string[]
    rate: number | null
    pendingEvents: number
    deadLetterCount: number
    deadLetters: { stage: string; count: number }[]
    partitions: { partition: number; endOffset: number; appliedOffset: number | null; pending: number }[]
    recentDeadLetters: { stage: string; reason: string; at: string; partition: number | null; offset: number | null; payload: string }[]
  }[]
  batchRuns: {
    runId: string
    view: string
    attempt: number
    status: 'RUNNING' | 'SUCCEEDED' | 'FAILED'
    startedAt: string
    durationMs: number | null
    rows: number
    version: number
    cutoff: string
    error: string | null
  }[]
}

const QUERY = `query PipelineStatus {
  pipeline {
    views { name stream window batch { current { version cutoff publishedAt } versions { version } } freshness { newestEventTime realtimeLagMs pendingEvents } }
    streams {
      name topic views rate pendingEvents deadLetterCount deadLetters { stage count }
      partitions { partition endOffset appliedOffset pending }
      recentDeadLetters(limit: 5) { stage reason at partition offset payload }
    }
    batchRuns(limit: 10) { runId view attempt status startedAt durationMs rows version cutoff error }
  }
}`

export async function loadPipelineStatus(client: GraphQLClient, signal: AbortSignal): Promise<PipelineStatus> {
  return (await client.query<{ pipeline: PipelineStatus }>(QUERY, {}, signal)).pipeline
}
