import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { afterAll, describe, expect, it } from 'vitest'
import type { FileRecord } from './file-record.ts'
import { readRecords } from './read-records.ts'

const dir = await mkdtemp(join(tmpdir(), 'twinflow-parquet-'))
afterAll(() => rm(dir, { recursive: true, force: true }))

async function collect(records: AsyncGenerator<FileRecord[]>): Promise<FileRecord[]> {
  const out: FileRecord[] = []
  for await (const batch of records) out.push(...batch)
  return out
}

describe('readParquet', () => {
  it('reads rows group by group with their types, and skips rows already taken', async () => {
    const n = 25
    const path = join(dir, 'orders.parquet')
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Array.from({ length: n }, (_, i) => `o${i}`), type: 'STRING' },
        { name: 'amount', data: BigInt64Array.from({ length: n }, (_, i) => BigInt(i * 100)), type: 'INT64' },
        { name: 'ts', data: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1) + i * 60_000)), type: 'TIMESTAMP' },
        { name: 'paid', data: Array.from({ length: n }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
      ],
      rowGroupSize: 10,
    })
    await writeFile(path, Buffer.from(buffer))
    const records = await collect(readRecords(path, { format: 'parquet' }))
    expect(records.map((r) => r.row)).toEqual(Array.from({ length: n }, (_, i) => i))
    expect(records[3]).toEqual({ row: 3, position: -1, end: -1, ok: true, value: { id: 'o3', amount: 300n, ts: new Date(Date.UTC(2024, 0, 1) + 180_000), paid: false } })
    const rest = await collect(readRecords(path, { format: 'parquet', startRow: 13 }))
    expect(rest.map((r) => r.row)).toEqual(Array.from({ length: n - 13 }, (_, i) => 13 + i))
  })

  it('a file that is not Parquet fails as a whole', async () => {
    const path = join(dir, 'not.parquet')
    await writeFile(path, 'id,amount\n1,2\n')
    await expect(collect(readRecords(path, { format: 'parquet' }))).rejects.toThrow(/is not a Parquet file/)
  })
})
