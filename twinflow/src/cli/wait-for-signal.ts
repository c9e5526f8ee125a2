import type { Twinflow } from '../app/twinflow.ts'

/** Runs until SIGINT or SIGTERM, then stops Twinflow; resolves with the exit code (1 if the stop failed). */
export function waitForSignal(twinflow: Twinflow): Promise<number> {
  return new Promise((done) => {
    const stop = (signal: string) => {
      twinflow.logger.info('stopping', { signal })
      twinflow.stop().then(
        () => done(0),
        (error: unknown) => {
          twinflow.logger.error('stop failed', { error })
          done(1)
        },
      )
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
}
