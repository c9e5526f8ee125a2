import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'

export const REPO_ROOT = resolve(import.meta.dirname, '../../..')
const BIN = resolve(REPO_ROOT, 'twinflow/bin/twinflow.mjs')
const KEEP_CHARS = 400_000

export interface TwinflowProcessOptions {
  /** A label for logs and failure messages, e.g. `speed-1`. */
  name: string
  /** Arguments of the CLI, e.g. `['start', '--role', 'speed', '--config', file]`. */
  args: string[]
  /** Log level of the child (TWINFLOW_LOG_LEVEL). @default 'info' */
  logLevel?: string
  /** Print the child's output as it comes (TWINFLOW_E2E_LOG=1). */
  echo?: boolean
  /** Called with the process as soon as it is spawned, before any of its output is read (e.g. to `signalOn` its first lines). */
  onSpawn?: (process: TwinflowProcess) => void
  /** Environment variables for the child, over the test process's own. */
  env?: Record<string, string>
}

export type Exit = { code: number | null; signal: NodeJS.Signals | null }

/**
 * The `twinflow` CLI in a child process (`node twinflow/bin/twinflow.mjs ...`), as it runs in
 * production: its own Node process, config file, connections and consumer-group membership. Keeps
 * the last part of its output for assertions and failure reports; signals are sent by pid only.
 */
export class TwinflowProcess {
  readonly #child: ChildProcess
  #output = ''
  /** Characters received in all (the kept output is only the last KEEP_CHARS of them). */
  #received = 0
  readonly #watchers = new Set<() => void>()
  readonly exited: Promise<Exit>
  #exit: Exit | null = null

  private constructor(readonly options: TwinflowProcessOptions) {
    this.#child = spawn(process.execPath, [BIN, ...options.args], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env, TWINFLOW_LOG_LEVEL: options.logLevel ?? 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const take = (chunk: Buffer) => {
      const text = chunk.toString()
      this.#output = (this.#output + text).slice(-KEEP_CHARS)
      this.#received += text.length
      if (options.echo) process.stderr.write(text.replace(/^/gm, `[${options.name}] `))
      for (const watcher of [...this.#watchers]) watcher()
    }
    this.#child.stdout!.on('data', take)
    this.#child.stderr!.on('data', take)
    this.exited = new Promise((done) =>
      this.#child.once('exit', (code, signal) => {
        done((this.#exit = { code, signal }))
        for (const watcher of [...this.#watchers]) watcher()
      }),
    )
  }

  /** Spawns the CLI; with `readyWhen`, resolves once the output matches it (and fails if the process exits first). */
  static async start(options: TwinflowProcessOptions & { readyWhen?: RegExp; timeoutMs?: number }): Promise<TwinflowProcess> {
    const p = new TwinflowProcess(options)
    options.onSpawn?.(p)
    if (options.readyWhen) await p.waitForOutput(options.readyWhen, options.timeoutMs ?? 60_000)
    return p
  }

  get name(): string {
    return this.options.name
  }

  get pid(): number {
    return this.#child.pid!
  }

  get running(): boolean {
    return this.#exit === null
  }

  output(): string {
    return this.#output
  }

  /** Resolves with the first match of `pattern` in the output from now or before; rejects on exit or timeout. */
  async waitForOutput(pattern: RegExp, timeoutMs: number, fromIndex = 0): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const match = pattern.exec(this.#output.slice(fromIndex))
      if (match) return match
      if (!this.running) throw new Error(`${this.name} exited (${JSON.stringify(this.#exit)}) before printing ${pattern}:\n${this.tail()}`)
      if (Date.now() > deadline) throw new Error(`${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.tail()}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  /**
   * Sends `signal` to the process the moment its output from now on matches `pattern` (in the
   * handler of the output chunk that completes the match, not at a poll), and resolves with the
   * match; e.g. SIGSTOP on a log line printed just before a write, to freeze the process mid-write.
   */
  signalOn(pattern: RegExp, signal: NodeJS.Signals): Promise<RegExpExecArray> {
    const from = this.#received
    return new Promise((resolve, reject) => {
      const watcher = () => {
        const unseen = this.#received - from
        const match = pattern.exec(this.#output.slice(Math.max(0, this.#output.length - unseen)))
        if (match) {
          this.#watchers.delete(watcher)
          this.signal(signal)
          resolve(match)
        } else if (!this.running) {
          this.#watchers.delete(watcher)
          reject(new Error(`${this.name} exited before printing ${pattern}`))
        }
      }
      this.#watchers.add(watcher)
    })
  }

  /** Calls `listener` with every chunk of output from now on (stdout and stderr); returns what stops it. */
  onOutput(listener: (text: string) => void): () => void {
    let seen = this.#received
    const watcher = () => {
      const unseen = this.#received - seen
      seen = this.#received
      if (unseen > 0) listener(this.#output.slice(Math.max(0, this.#output.length - unseen)))
    }
    this.#watchers.add(watcher)
    return () => this.#watchers.delete(watcher)
  }

  /** The end of the output, for failure messages. */
  tail(chars = 6000): string {
    return this.#output.slice(-chars)
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) process.kill(this.pid, signal)
  }

  /** SIGTERM (a graceful stop: leaves the group, commits), then SIGKILL after `graceMs`. */
  async stop(graceMs = 20_000): Promise<Exit> {
    if (!this.running) return this.#exit!
    this.signal('SIGCONT')
    this.signal('SIGTERM')
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs)
    const exit = await this.exited
    clearTimeout(timer)
    return exit
  }

  /** Resolves with the exit; rejects if the process runs longer than `timeoutMs`. */
  async finished(timeoutMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.name} still runs after ${timeoutMs} ms:\n${this.tail()}`)), timeoutMs)
    })
    try {
      return await Promise.race([this.exited, timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}
