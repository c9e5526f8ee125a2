import { randomUUID } from 'node:crypto'
import { Cluster, Redis } from 'ioredis'
import {
  cellIdentity,
  emptyCells,
  type CellValue,
  TwinflowError,
  validateFencedBatch,
  validateIdClaims,
  type IdClaim,
  type DeltaOutcome,
  type FencedBatch,
  type Logger,
  type MarkedWindows,
  type PartialRow,
  type Pipeline,
  type RealtimeStore,
  type ViewDef,
  type AlertStateEntry,
  type Lease,
} from '@twinflow/core'
import { APPLY_SCRIPT, DROP_SCRIPT, MAX_SET_SCRIPT } from './apply-script.ts'
import { READ_WINDOWS_SCRIPT } from './read-windows-script.ts'
import { CLAIM_ID_SCRIPT } from './claim-id-script.ts'
import { RELEASE_LEASE_SCRIPT, RENEW_LEASE_SCRIPT, WRITE_ALERT_STATES_SCRIPT } from './lease-scripts.ts'
import { RedisKeys } from './redis-keys.ts'
import type { RedisRealtimeStoreOptions } from './redis-realtime-store-options.ts'

type Client = (Redis | Cluster) & {
  tfApply(key: string, ...args: (string | number)[]): Promise<number[]>
  tfApplyVersioned(key: string, version: string, ...args: (string | number)[]): Promise<number[]>
  tfMaxSet(key: string, field: string, value: string): Promise<number>
  tfDrop(key: string, newVersion: string): Promise<number>
  tfDropVersioned(key: string, version: string, newVersion: string): Promise<number>
  tfReadWindows(windows: string, marked: string, version: string, from: number, to: number, bucketPrefix: string, buckets: number, since: string): Promise<(string | string[])[]>
  tfRenewLease(lease: string, token: string, ttlMs: number): Promise<number>
  tfClaimId(key: string, position: string, ttlMs: number): Promise<number>
  tfReleaseLease(lease: string, token: string): Promise<number>
  tfWriteAlertStates(lease: string, states: string, token: string, puts: number, ...args: string[]): Promise<number>
}

const SEP = '\x1f'

/**
 * The production realtime store (ioredis). Every delta is applied with its fence by one Lua
 * script call per bucket hash (one key, one hash slot), so redelivered batches are no-ops and the
 * same code runs on Redis Cluster. See RedisKeys for the layout.
 *
 * Versions (conditional reads, standalone server only): every script call that changes a view's
 * windows (an apply that merged a delta, a drop that deleted a group) sets the view's version to
 * a value never used before (this writer's random id and a count), in the same atomic step as the
 * change; the read script compares it with the caller's in the same step as the windows. A
 * version lost with Redis's data (a flush, a failover to a replica behind) cannot come back with
 * other windows: the next change sets a new one. Windows that expire by `ttlMs` (a safety net for
 * windows never dropped, 7 days after their last write) change no version: a reader holding rows
 * read before the expiry keeps them until the view's next change. On Redis Cluster the version
 * would be in another hash slot than the windows, so every read there is a full read.
 */
export class RedisRealtimeStore implements RealtimeStore {
  #client: Client | null = null
  #pipeline: Pipeline | null = null
  readonly #keys: RedisKeys
  readonly #versioned: boolean
  /** This store's writes set view versions `<writer>.<n>`: unique across writers and calls. */
  readonly #writer = randomUUID()
  #writes = 0

  constructor(
    readonly options: RedisRealtimeStoreOptions,
    private readonly logger: Logger,
  ) {
    this.#keys = new RedisKeys(options.keyPrefix, options.buckets)
    this.#versioned = options.clusterNodes.length === 0
  }

  #newVersion(): string {
    return `${this.#writer}.${++this.#writes}`
  }

  async start(pipeline: Pipeline): Promise<void> {
    // No auto-pipelining (ioredis's enableAutoPipelining): commands go out on the connection in call
    // order without waiting for replies either way, and each auto-pipelined call built an ioredis
    // Pipeline (a promise and a copy of every command on the instance). Measured
    // (docs/benchmarks.md): the fenced apply 156k deltas/s without it against 86k with it, and a
    // serving process's mark-compact pauses 3–13 ms instead of 35–67.
    const common = { lazyConnect: true, maxRetriesPerRequest: 2 }
    const client = (
      this.options.clusterNodes.length > 0
        ? new Cluster(
            this.options.clusterNodes.map((n) => ({ host: n.split(':')[0]!, port: Number(n.split(':')[1]) })),
            { redisOptions: common, lazyConnect: true },
          )
        : new Redis(this.options.url, common)
    ) as Client
    client.defineCommand('tfApply', { numberOfKeys: 1, lua: APPLY_SCRIPT })
    client.defineCommand('tfApplyVersioned', { numberOfKeys: 2, lua: APPLY_SCRIPT })
    client.defineCommand('tfMaxSet', { numberOfKeys: 1, lua: MAX_SET_SCRIPT })
    client.defineCommand('tfDrop', { numberOfKeys: 1, lua: DROP_SCRIPT })
    client.defineCommand('tfDropVersioned', { numberOfKeys: 2, lua: DROP_SCRIPT })
    client.defineCommand('tfReadWindows', { numberOfKeys: 3, lua: READ_WINDOWS_SCRIPT })
    client.defineCommand('tfClaimId', { numberOfKeys: 1, lua: CLAIM_ID_SCRIPT })
    client.defineCommand('tfRenewLease', { numberOfKeys: 1, lua: RENEW_LEASE_SCRIPT })
    client.defineCommand('tfReleaseLease', { numberOfKeys: 1, lua: RELEASE_LEASE_SCRIPT })
    client.defineCommand('tfWriteAlertStates', { numberOfKeys: 2, lua: WRITE_ALERT_STATES_SCRIPT })
    client.on('error', (error: Error) => this.logger.warn('redis connection error', { error: error.message }))
    try {
      await client.connect()
    } catch (error) {
      client.disconnect()
      throw storeError(error, 'connect')
    }
    this.#client = client
    this.#pipeline = pipeline
  }

  async stop(): Promise<void> {
    const client = this.#client
    this.#client = null
    if (client) await client.quit().catch(() => client.disconnect())
  }

  async apply(batch: FencedBatch): Promise<DeltaOutcome[]> {
    const { client, pipeline } = this.#started()
    const views = validateFencedBatch(pipeline, batch)
    // Group the deltas by bucket hash: one script call per hash.
    const calls = new Map<string, { view: ViewDef; indexes: number[]; args: (string | number)[] }>()
    const windows = new Map<string, Set<number>>()
    batch.deltas.forEach((delta, i) => {
      const view = views[i]!
      const group = JSON.stringify(delta.keys)
      const key = this.#keys.bucket(view.name, delta.windowStart, this.#keys.bucketOf(group))
      let call = calls.get(key)
      if (!call) calls.set(key, (call = { view, indexes: [], args: [] }))
      call.indexes.push(i)
      call.args.push(group, ...delta.cells.map((c, j) => cellArg(view, j, c)))
      let set = windows.get(view.name)
      if (!set) windows.set(view.name, (set = new Set()))
      set.add(delta.windowStart)
    })
    const outcomes: DeltaOutcome[] = new Array(batch.deltas.length)
    const fencePrefix = `f${batch.topic}${SEP}${batch.partition}${SEP}`
    try {
      // The windows are indexed before any script adds data to them, so that a reader never misses
      // a window that has data. On one server that takes no extra round trip: the commands go out
      // one after the other on one connection, without waiting for replies, and Redis runs them in
      // that order (a script the server had not cached is sent again after its NOSCRIPT reply, so
      // it can only run later: still after the index). A cluster spreads them over nodes, so it waits.
      const indexing = [...windows].flatMap(([view, starts]) => [
        client.zadd(this.#keys.windows(view), ...[...starts].flatMap((w) => [w, String(w)])),
        client.tfMaxSet(this.#keys.newest(view), 'time', String(batch.newestEventTime?.[view] ?? Math.max(...starts))),
      ])
      if (this.options.clusterNodes.length > 0) await Promise.all(indexing)
      const applying = [...calls].map(async ([key, call]) => {
        const args = [fencePrefix, batch.firstOffset, batch.lastOffset, cellOps(call.view), this.options.ttlMs, this.#versioned ? this.#newVersion() : '', ...call.args]
        const result = await (this.#versioned ? client.tfApplyVersioned(key, this.#keys.version(call.view.name), ...args) : client.tfApply(key, ...args))
        call.indexes.forEach((index, j) => {
          const r = Number(result[j])
          outcomes[index] = r === -1 ? { status: 'applied' } : r === -2 ? { status: 'duplicate' } : { status: 'overlap', fence: r }
        })
      })
      await Promise.all([...indexing, ...applying])
    } catch (error) {
      throw storeError(error, 'apply', { topic: batch.topic, partition: batch.partition, lastOffset: batch.lastOffset })
    }
    return outcomes
  }

  async readWindows(view: string, from: number, to: number): Promise<PartialRow[]> {
    return (await this.readMarkedWindows(view, from, to)).rows
  }

  async readMarkedWindows(view: string, from: number, to: number, since?: string | null): Promise<MarkedWindows> {
    const { client, pipeline } = this.#started()
    const def = pipeline.view(view)
    try {
      const buckets: { w: number; fields: string[] }[] = []
      let marked: string | null
      let version: string | null = null
      if (this.#versioned) {
        // One script: the version, the mark and the windows at the same instant.
        const flat = await client.tfReadWindows(
          this.#keys.windows(view),
          this.#keys.marked(view),
          this.#keys.version(view),
          from,
          to,
          this.#keys.bucketPrefix(view),
          this.options.buckets,
          since ?? '',
        )
        marked = flat[0] === '' ? null : (flat[0] as string)
        version = flat[1] === '' ? null : (flat[1] as string)
        const markedCutoff = marked === null ? null : Number(marked)
        if (flat[2] === '1') return { rows: [], markedCutoff, version, unchanged: true }
        for (let i = 3; i < flat.length; i += 2) buckets.push({ w: Number(flat[i]), fields: flat[i + 1] as string[] })
      } else {
        // Bucket by bucket (the keys are in different slots), then the mark: read after the windows.
        const starts = (await client.zrangebyscore(this.#keys.windows(view), from, `(${to}`)).map(Number)
        const hashes = await Promise.all(
          starts.flatMap((w) => Array.from({ length: this.options.buckets }, (_, b) => client.hgetall(this.#keys.bucket(view, w, b)).then((h) => ({ w, h })))),
        )
        for (const { w, h } of hashes) buckets.push({ w, fields: Object.entries(h).flat() })
        marked = await client.hget(this.#keys.marked(view), 'cutoff')
      }
      const rows: PartialRow[] = []
      // Sorted by window, then by the keys' JSON: the group field each row was decoded from.
      const sortKeys = new Map<PartialRow, string>()
      for (const { w, fields } of buckets) decodeBucket(def, w, fields, rows, sortKeys)
      rows.sort((a, b) => a.windowStart - b.windowStart || (sortKeys.get(a)! < sortKeys.get(b)! ? -1 : 1))
      return { rows, markedCutoff: marked === null ? null : Number(marked), version, unchanged: false }
    } catch (error) {
      throw storeError(error, 'readWindows', { view })
    }
  }

  async dropBefore(view: string, cutoff: number): Promise<number> {
    const { client, pipeline } = this.#started()
    pipeline.view(view)
    try {
      await client.tfMaxSet(this.#keys.marked(view), 'cutoff', String(cutoff))
      const starts = (await client.zrangebyscore(this.#keys.windows(view), '-inf', `(${cutoff}`)).map(Number)
      const counts = await Promise.all(
        starts.flatMap((w) =>
          Array.from({ length: this.options.buckets }, (_, b) =>
            this.#versioned
              ? client.tfDropVersioned(this.#keys.bucket(view, w, b), this.#keys.version(view), this.#newVersion())
              : client.tfDrop(this.#keys.bucket(view, w, b), ''),
          ),
        ),
      )
      // Only after the data is gone: a reader that sees the window listed finds it or finds it empty.
      if (starts.length > 0) await client.zremrangebyscore(this.#keys.windows(view), '-inf', `(${cutoff}`)
      return counts.reduce((a, b) => a + Number(b), 0)
    } catch (error) {
      throw storeError(error, 'dropBefore', { view })
    }
  }

  async markCutoff(view: string, cutoff: number): Promise<void> {
    const { client, pipeline } = this.#started()
    pipeline.view(view)
    try {
      await client.tfMaxSet(this.#keys.marked(view), 'cutoff', String(cutoff))
    } catch (error) {
      throw storeError(error, 'markCutoff', { view })
    }
  }

  markedCutoff(view: string): Promise<number | null> {
    return this.#viewNumber(view, 'markedCutoff', this.#keys.marked(view), 'cutoff')
  }

  async progress(consumer: string, topic: string): Promise<Map<number, number>> {
    const { client } = this.#started()
    try {
      const h = await client.hgetall(this.#keys.progress(consumer, topic))
      return new Map(Object.entries(h).map(([p, o]) => [Number(p), Number(o)]))
    } catch (error) {
      throw storeError(error, 'progress', { consumer, topic })
    }
  }

  async recordProgress(consumer: string, topic: string, partition: number, offset: number): Promise<void> {
    const { client } = this.#started()
    if (!Number.isSafeInteger(partition) || partition < 0 || !Number.isSafeInteger(offset) || offset < 0) {
      throw new TwinflowError('validation', `recordProgress needs a partition and an offset >= 0, got ${partition} and ${offset}`, { context: { consumer, topic } })
    }
    try {
      await client.tfMaxSet(this.#keys.progress(consumer, topic), String(partition), String(offset))
    } catch (error) {
      throw storeError(error, 'recordProgress', { consumer, topic, partition })
    }
  }

  newestEventTime(view: string): Promise<number | null> {
    return this.#viewNumber(view, 'newestEventTime', this.#keys.newest(view), 'time')
  }

  async claimIds(claims: readonly IdClaim[], ttlMs: number): Promise<boolean[]> {
    const { client, pipeline } = this.#started()
    validateIdClaims(pipeline, claims, ttlMs)
    // One script call per claim (one key each), sent in order on the connection: a key claimed
    // twice in one call is claimed by the first, and the second sees it.
    try {
      const answers = await Promise.all(claims.map((c) => client.tfClaimId(this.#keys.idClaim(c.stream, c.key), `${c.partition}:${c.offset}`, ttlMs)))
      return answers.map((a) => Number(a) === 1)
    } catch (error) {
      throw storeError(error, 'claimIds', { claims: claims.length })
    }
  }

  async acquireLease(name: string, token: string, ttlMs: number): Promise<boolean> {
    const { client } = this.#started()
    try {
      return (await client.set(this.#keys.lease(name), token, 'PX', ttlMs, 'NX')) === 'OK'
    } catch (error) {
      throw storeError(error, 'acquireLease', { lease: name })
    }
  }

  async renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    const { client } = this.#started()
    try {
      return Number(await client.tfRenewLease(this.#keys.lease(lease.name), lease.token, ttlMs)) === 1
    } catch (error) {
      throw storeError(error, 'renewLease', { lease: lease.name })
    }
  }

  async releaseLease(lease: Lease): Promise<void> {
    const { client } = this.#started()
    try {
      await client.tfReleaseLease(this.#keys.lease(lease.name), lease.token)
    } catch (error) {
      throw storeError(error, 'releaseLease', { lease: lease.name })
    }
  }

  async readAlertStates(): Promise<AlertStateEntry[]> {
    const { client } = this.#started()
    try {
      return Object.entries(await client.hgetall(this.#keys.alertStates())).map(([key, value]) => ({ key, value }))
    } catch (error) {
      throw storeError(error, 'readAlertStates')
    }
  }

  async writeAlertStates(lease: Lease, put: readonly AlertStateEntry[], remove: readonly string[]): Promise<boolean> {
    const { client } = this.#started()
    try {
      const args = [...put.flatMap(({ key, value }) => [key, value]), ...remove]
      return Number(await client.tfWriteAlertStates(this.#keys.lease(lease.name), this.#keys.alertStates(), lease.token, put.length, ...args)) === 1
    } catch (error) {
      throw storeError(error, 'writeAlertStates', { lease: lease.name })
    }
  }

  /** One number kept per view in a hash field (`null` when never written), for `operation`. */
  async #viewNumber(view: string, operation: string, key: string, field: string): Promise<number | null> {
    const { client, pipeline } = this.#started()
    pipeline.view(view)
    try {
      const value = await client.hget(key, field)
      return value === null ? null : Number(value)
    } catch (error) {
      throw storeError(error, operation, { view })
    }
  }

  #started(): { client: Client; pipeline: Pipeline } {
    if (!this.#client || !this.#pipeline) throw new TwinflowError('unavailable', 'the redis realtime store is not started (call start(pipeline) first)', { retriable: false })
    return { client: this.#client, pipeline: this.#pipeline }
  }
}

/**
 * A cell's value as the apply script takes it (see APPLY_SCRIPT): a number; a min or max at its
 * identity (no value) as ''; a HyperLogLog's registers as 4 characters each (3 base-64 digits of
 * the index, the rank), offset from '0' so that every character is ASCII; buckets as `key:count,...`.
 */
function cellArg(view: ViewDef, index: number, value: CellValue): string {
  const op = view.cells[index]!.spec.op
  if (op === 'registers') {
    let out = ''
    for (const register of value as readonly number[]) {
      const i = register >>> 6
      out += String.fromCharCode(48 + (i >>> 12), 48 + ((i >>> 6) & 63), 48 + (i & 63), 48 + (register & 63))
    }
    return out
  }
  if (op === 'buckets') {
    const buckets = value as readonly number[]
    const pairs: string[] = []
    for (let i = 0; i < buckets.length; i += 2) pairs.push(`${buckets[i]}:${buckets[i + 1]}`)
    return pairs.join(',')
  }
  return op !== 'sum' && value === cellIdentity(op) ? '' : String(value)
}

function cellOps(view: ViewDef): string {
  return view.cells
    .map((c) => {
      switch (c.spec.op) {
        case 'min':
          return 'n'
        case 'max':
          return 'x'
        case 'registers':
          return `h${c.spec.precision}`
        case 'buckets':
          return 'b'
        default:
          return c.spec.numeric === 'int' ? 'i' : 'f'
      }
    })
    .join(' ')
}

/**
 * Appends the groups of one bucket hash (flat field/value list; fields other than cells are
 * skipped) to `out`, and each row's group field (the JSON of its keys, as `apply` wrote it) to `groupOf`.
 */
function decodeBucket(view: ViewDef, windowStart: number, fields: readonly string[], out: PartialRow[], groupOf: Map<PartialRow, string>): void {
  const groups = new Map<string, CellValue[]>()
  /** Per group and buckets cell: its buckets, key → count. */
  const buckets = new Map<CellValue[], Map<number, Map<number, number>>>()
  for (let i = 0; i < fields.length; i += 2) {
    const field = fields[i]!
    if (field[0] !== 'c') continue
    const sep = field.indexOf(SEP)
    const dot = field.indexOf('.')
    const bucket = dot >= 0 && dot < sep
    const cell = Number(field.slice(1, bucket ? dot : sep))
    const group = field.slice(sep + 1)
    let cells = groups.get(group)
    // A min or max never merged (all its values were null) has no field: its identity (a sketch: empty).
    if (!cells) groups.set(group, (cells = emptyCells(view)))
    const value = fields[i + 1]!
    if (bucket) {
      let byCell = buckets.get(cells)
      if (!byCell) buckets.set(cells, (byCell = new Map()))
      let counts = byCell.get(cell)
      if (!counts) byCell.set(cell, (counts = new Map()))
      counts.set(Number(field.slice(dot + 1, sep)), Number(value))
    } else if (view.cells[cell]!.spec.op === 'registers') {
      const registers: number[] = []
      for (let index = 0; index < value.length; index++) {
        const rank = value.charCodeAt(index) - 48
        if (rank > 0) registers.push(index * 64 + rank)
      }
      cells[cell] = registers
    } else if (view.cells[cell]!.spec.op !== 'buckets') cells[cell] = Number(value)
    // (A buckets cell's own field holds nothing: it marks the group, whose buckets have fields of their own.)
  }
  for (const [cells, byCell] of buckets) {
    for (const [cell, counts] of byCell) cells[cell] = [...counts].sort((a, b) => a[0] - b[0]).flat()
  }
  for (const [group, cells] of groups) {
    const row = { windowStart, keys: JSON.parse(group) as PartialRow['keys'], cells }
    out.push(row)
    groupOf.set(row, group)
  }
}

function storeError(error: unknown, operation: string, context: Record<string, unknown> = {}): TwinflowError {
  if (TwinflowError.is(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  // Replies of Redis to a command (ERR ..., NOSCRIPT ...) are bugs; anything else is the connection.
  const isReply = error instanceof Error && error.name === 'ReplyError'
  return new TwinflowError(isReply ? 'internal' : 'unavailable', `redis ${operation} failed: ${message}`, { cause: error, context })
}
