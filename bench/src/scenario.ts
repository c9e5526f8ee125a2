import type { BenchServices } from './bench-services.ts'

/** A target a check must meet: its median compared with `value`. */
export interface Target {
  op: '>=' | '<='
  value: number
}

/** Absolute figures behind a ratio, one sample per repetition. */
export interface Figures {
  unit: string
  framework: number[]
  baseline: number[]
}

/** One measured quantity of a scenario: a ratio (framework ÷ baseline per repetition) or an absolute figure. */
export interface Check {
  name: string
  /** One value per repetition. */
  samples: number[]
  unit: string
  target: Target | null
  /** For ratios: the absolute figures they are computed from. */
  figures?: Figures
}

export interface ScenarioContext {
  services: BenchServices
  quick: boolean
  /** Repetitions of each side (at least 3). */
  repeats: number
  /** Results of earlier scenarios of this run (freshness reads the speed scenario's rate). */
  earlier: ReadonlyMap<string, ScenarioResult>
  log(message: string): void
}

export interface ScenarioResult {
  scenario: string
  /** What was measured, in one sentence per line (sizes, rates, durations). */
  setup: string[]
  checks: Check[]
}

/** A benchmark scenario on the containers (Kafka, Redis, ClickHouse): starts from reset services, measures, returns its checks. */
export interface ServicesScenario {
  name: string
  embedded?: false
  run(context: ScenarioContext): Promise<ScenarioResult>
}

/** A scenario on the embedded runtimes (in-process log and store, chdb): it needs no container, and gets none. */
export interface EmbeddedScenario {
  name: string
  embedded: true
  run(context: Omit<ScenarioContext, 'services'>): Promise<ScenarioResult>
}

export type Scenario = ServicesScenario | EmbeddedScenario
