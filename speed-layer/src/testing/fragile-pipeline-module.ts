import { isMainThread } from 'node:worker_threads'
import { count, definePipeline, defineStream, defineView, t, TwinflowError, type FieldType } from '@twinflow/core'

/**
 * A pipeline module for the fold threads' failure tests: its `label` field's parser ends a fold
 * thread (not the process) on the value "exit-thread", never returns on "loop" (in a fold thread
 * only), throws an Error on "throw" and a retriable TwinflowError on "unavailable"; any other
 * string is valid. Not for the event loop: there "exit-thread" and "loop" are ordinary values.
 */
const label: FieldType<string, 'string'> = {
  kind: 'string',
  clickhouseType: 'String',
  graphqlType: 'String',
  parse(value) {
    if (value === 'exit-thread' && !isMainThread) process.exit(7)
    if (value === 'loop' && !isMainThread) for (;;);
    if (value === 'throw') throw new Error('the label parser threw')
    if (value === 'unavailable') throw new TwinflowError('unavailable', 'the label service did not answer')
    return typeof value === 'string' ? { ok: true, value } : { ok: false, reason: 'expected a string' }
  },
}

/** This module's file URL (what fold threads import in tests). */
export const FRAGILE_MODULE = import.meta.url

export const fragile = defineStream('fragile', { label, ts: t.eventTime() })

export const labels = defineView('labels', fragile, { groupBy: (e) => ({ label: e.label }), window: '1m', measures: () => ({ events: count() }) })

export const pipeline = definePipeline({ streams: [fragile], views: [labels] })
