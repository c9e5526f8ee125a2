// The entry of a fold thread (see FoldPool). Twinflow's sources are TypeScript: tsx compiles them
// on load, and a worker thread needs its own registration of tsx's hooks.
import { parentPort, workerData } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
const { runFoldThread } = await import('./run-fold-thread.ts')
await runFoldThread(parentPort, workerData)
