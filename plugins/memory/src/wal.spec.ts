import { appendFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createJsonLogger, systemClock, type Logger } from '@twinflow/core'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { LocalEventLog } from './local-event-log.ts'
import { Wal, type WalHooks } from './wal.ts'
import { encodeProduceFrame, encodeStateFrame, FRAME_HEADER_BYTES } from './wal-frame.ts'
import type { WalSegment } from './wal-segment.ts'

const logger = createJsonLogger({ level: 'silent' })
const root = mkdtempSync(join(tmpdir(), 'twinflow-wal-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))
let dirs = 0

/** A Wal whose state frames are empty, and the frames it wrote: where, and their bytes. */
async function openWal(segmentBytes: number, hooks: Partial<WalHooks> = {}) {
  const dir = join(root, `wal-${++dirs}`)
  const wal = await Wal.open(
    { dir, segmentBytes, fsync: false, logger },
    { recover: () => true, stateFrame: () => encodeStateFrame(0, [], new Map()), rolled: async () => {}, writesFailed: () => {}, ...hooks },
  )
  const written: { segment: WalSegment; position: number; frame: Buffer }[] = []
  const append = (bytes: number) => {
    const { frame } = encodeProduceFrame(0, 't', [{ partition: 0, firstOffset: written.length, messages: [{ value: Buffer.alloc(bytes, written.length % 256) }] }], undefined)
    return wal.append(frame, (segment, position) => void written.push({ segment, position, frame }))
  }
  return { dir, wal, written, append }
}

describe('Wal', () => {
  it('writes frames queued together in order, rolling at segmentBytes; a frame larger than a segment does not leave one with only its state', async () => {
    const { wal, written, append } = await openWal(1024)
    await Promise.all([append(3000), append(100), append(100), append(100), append(3000), append(100)])
    // The first big frame goes to the segment holding only its state frame, not to a new one.
    expect(written.map((w) => w.segment.number)).toEqual([0, 1, 1, 1, 2, 3])
    expect(written[0]!.position).toBe(wal.segments[0]!.stateBytes)
    expect(written[2]!.position).toBe(written[1]!.position + written[1]!.frame.length)
    expect(wal.segments.map((s) => s.size)).toEqual([0, 3, 4, 5].map((i) => written[i]!.position + written[i]!.frame.length))
    await wal.close()
  })

  it('reads a block of a segment removed while the read is in flight, and deletes the file after the read', async () => {
    const { wal, written, append } = await openWal(1024)
    for (let i = 0; i < 12; i++) await append(200)
    const first = written[0]!
    const ref = { segment: first.segment.number, position: first.position + FRAME_HEADER_BYTES, length: first.frame.length - FRAME_HEADER_BYTES }
    // Reopened: the block is in no cache, the read goes to the file.
    await wal.close()
    const reopened = await Wal.open(
      { dir: join(root, `wal-${dirs}`), segmentBytes: 1024, fsync: false, logger },
      { recover: () => true, stateFrame: () => encodeStateFrame(0, [], new Map()), rolled: async () => {}, writesFailed: () => {} },
    )
    const path = reopened.segments[0]!.path
    const reading = reopened.readBlocks([ref])
    await reopened.removeOldest()
    expect(existsSync(path)).toBe(true)
    const [bytes] = await reading
    expect(bytes).toEqual(first.frame.subarray(FRAME_HEADER_BYTES))
    await vi.waitFor(() => expect(existsSync(path)).toBe(false))
    await reopened.close()
  })

  it('fails frames queued after a failed write, and writes again after it', async () => {
    let failed = 0
    const { dir, wal, written, append } = await openWal(1024, { writesFailed: () => failed++ })
    await append(600)
    // The next segment's name is taken by a directory: the roll fails.
    const obstacle = join(dir, '00000000000000000001.wal')
    mkdirSync(obstacle)
    const results = await Promise.allSettled([append(600), append(10)])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(failed).toBe(1)
    rmSync(obstacle, { recursive: true })
    await append(600)
    expect(written.map((w) => w.segment.number)).toEqual([0, 1])
    await wal.close()
  })
})

describe('LocalEventLog recovery', () => {
  it('ends the log before a sound frame that does not follow it (an offset gap), with a warning', async () => {
    const dir = join(root, `gap-${++dirs}`)
    const log = new LocalEventLog({ dir }, { clock: systemClock, logger })
    await log.connect()
    await log.createTopic('t', 1)
    await log.produce('t', [{ value: Buffer.from('a') }, { value: Buffer.from('b') }])
    await log.close()
    // A frame with a sound checksum whose records start at 5 while the partition ends at 2.
    const { frame } = encodeProduceFrame(Date.now(), 't', [{ partition: 0, firstOffset: 5, messages: [{ value: Buffer.from('x') }] }], { key: 'c', value: 'gap' })
    appendFileSync(join(dir, '00000000000000000000.wal'), frame)
    const warnings: string[] = []
    const recording: Logger = { ...logger, warn: (message) => void warnings.push(message), child: () => recording }
    const again = new LocalEventLog({ dir }, { clock: systemClock, logger: recording })
    await again.connect()
    expect(warnings).toEqual([`the local event log cut ${frame.length} bytes after a frame that does not follow the frames before it (a write torn by a crash, or a damaged file)`])
    expect(await again.endOffsets('t')).toEqual(new Map([[0, 2]]))
    expect(await again.loadCheckpoint('c')).toBeNull()
    await again.close()
  })
})
