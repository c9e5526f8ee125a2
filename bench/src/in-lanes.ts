/** Runs each lane's items in order, the lanes concurrently (as a consumer handles its partitions). */
export async function inLanes<T>(lanes: readonly (readonly T[])[], each: (item: T) => Promise<unknown>): Promise<void> {
  await Promise.all(
    lanes.map(async (lane) => {
      for (const item of lane) await each(item)
    }),
  )
}

/** Wall time of `fn`, in ms. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await fn()
  return performance.now() - start
}
