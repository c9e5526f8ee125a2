import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { followSignals } from './follow-signals.ts'

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length

describe('followSignals', () => {
  it('aborts with the reason of the first source that aborts', () => {
    const a = new AbortController()
    const b = new AbortController()
    const followed = followSignals([a.signal, undefined, b.signal])
    expect(followed.signal.aborted).toBe(false)
    b.abort(new Error('b went'))
    expect(followed.signal.aborted).toBe(true)
    expect((followed.signal.reason as Error).message).toBe('b went')
    a.abort(new Error('a went later'))
    expect((followed.signal.reason as Error).message).toBe('b went')
  })

  it('is aborted at once when a source already is', () => {
    const a = new AbortController()
    a.abort('gone')
    const followed = followSignals([new AbortController().signal, a.signal])
    expect(followed.signal.aborted).toBe(true)
    expect(followed.signal.reason).toBe('gone')
  })

  it('leaves no listener on a long-lived source once disposed, however many it made', () => {
    const generation = new AbortController()
    const before = abortListeners(generation.signal)
    for (let i = 0; i < 1000; i++) followSignals([generation.signal, new AbortController().signal]).dispose()
    expect(abortListeners(generation.signal)).toBe(before)
    // And a disposed follower no longer follows.
    const followed = followSignals([generation.signal])
    followed.dispose()
    generation.abort('late')
    expect(followed.signal.aborted).toBe(false)
  })

  it('listens to each source while in use', () => {
    const source = new AbortController()
    const followed = followSignals([source.signal])
    expect(abortListeners(source.signal)).toBe(1)
    followed.dispose()
    expect(abortListeners(source.signal)).toBe(0)
  })
})
