import { execFileSync } from 'node:child_process'
import { cpus, loadavg, release, totalmem } from 'node:os'

/** What the benchmark ran on: absolute figures only mean something next to this. */
export interface Machine {
  cpu: string
  cores: number
  memoryGiB: number
  kernel: string
  node: string
  docker: string
  /** Load average (1 min) when the run started: other work on the machine skews the absolute figures. */
  loadAtStart: number
}

export function describeMachine(): Machine {
  let docker = 'unknown'
  try {
    docker = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8', timeout: 5000 }).trim()
  } catch {
    // The services start through Testcontainers anyway; this is only for the record.
  }
  const cores = cpus()
  return {
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    docker,
    loadAtStart: Number(loadavg()[0]!.toFixed(2)),
  }
}
