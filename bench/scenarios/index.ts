import type { Scenario } from '../src/scenario.ts'
import { alertLatencyScenario } from './alert-latency.ts'
import { archiveScenario } from './archive.ts'
import { dashboardScenario } from './dashboard.ts'
import { embeddedMemoryScenario } from './embedded-memory.ts'
import { fencingScenario } from './fencing.ts'
import { freshnessScenario } from './freshness.ts'
import { historyLoadScenario } from './history-load.ts'
import { httpIngestScenario } from './http-ingest.ts'
import { pagingScenario } from './paging.ts'
import { recomputeScenario } from './recompute.ts'
import { serveScenario } from './serve.ts'
import { sketchRecomputeScenario } from './sketch-recompute.ts'
import { sketchSpeedScenario } from './sketch-speed.ts'
import { soakScenario } from './soak.ts'
import { speedScenario } from './speed.ts'
import { sqlSourceScenario } from './sql-source.ts'

/** Every scenario, in the order a run takes them (freshness uses the speed scenario's rate; dashboard, paging and embedded-memory run on the embedded runtimes); the soak only when named. */
export const scenarios: Scenario[] = [
  speedScenario,
  fencingScenario,
  archiveScenario,
  historyLoadScenario,
  sqlSourceScenario,
  httpIngestScenario,
  recomputeScenario,
  sketchSpeedScenario,
  sketchRecomputeScenario,
  serveScenario,
  freshnessScenario,
  alertLatencyScenario,
  dashboardScenario,
  pagingScenario,
  embeddedMemoryScenario,
  soakScenario,
]
