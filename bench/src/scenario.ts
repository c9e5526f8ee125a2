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
  /** `--minutes`: how long a timed scenario (soak) runs, when given. */
  minutes: number | null
  log(message: string): void
}

/** A table of figures over time (e.g. one row per minute), reported after the checks. */
export interface SeriesTable {
  title: string
  columns: string[]
  rows: (string | number)[][]
}

export interface ScenarioResult {
  scenario: string
  /** What was measured, in one sentence per line (sizes, rates, durations). */
  setup: string[]
  checks: Check[]
  tables?: SeriesTable[]
}

/** A benchmark scenario on the containers (Kafka, Redis, ClickHouse): starts from reset services, measures, returns its checks. */
export interface ServicesScenario {
  name: string
  embedded?: false
  /** Run only when named with `--only` (a long run such as the soak), never by a plain `npm run bench`. */
  optIn?: boolean
  run(context: ScenarioContext): Promise<ScenarioResult>
}

/** A scenario on the embedded runtimes (in-process log and store, chdb): it needs no container, and gets none. */
export interface EmbeddedScenario {
  name: string
  embedded: true
  /** As for a services scenario: run only when named. */
  optIn?: boolean
  run(context: Omit<ScenarioContext, 'services'>): Promise<ScenarioResult>
}

export type Scenario = ServicesScenario | EmbeddedScenario
