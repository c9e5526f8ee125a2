import { describe, expect, it } from 'vitest'
import { pendingEvents } from './read-session.ts'

describe('pendingEvents', () => {
  it('counts the records after the last applied offset of each partition (end is the next offset to write)', () => {
    expect(
      pendingEvents(
        new Map([
          [0, 10],
          [1, 5],
          [2, 0],
        ]),
        new Map([
          [0, 9],
          [1, 1],
        ]),
      ),
    ).toBe(3)
    expect(pendingEvents(new Map([[0, 10]]), new Map())).toBe(10)
    expect(pendingEvents(new Map([[0, 10]]), new Map([[0, 12]]))).toBe(0)
  })
})
