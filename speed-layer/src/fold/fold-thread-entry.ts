// The entry of a fold thread (see FoldPool).
import { parentPort, workerData } from 'node:worker_threads'
import type { FoldThreadData } from './fold-thread-messages.ts'
import { runFoldThread } from './run-fold-thread.ts'

await runFoldThread(parentPort!, workerData as FoldThreadData)
