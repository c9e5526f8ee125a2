import type { Scenario } from '../src/scenario'
import { archiveScenario } from './archive'
import { fencingScenario } from './fencing'
import { freshnessScenario } from './freshness'
import { recomputeScenario } from './recompute'
import { serveScenario } from './serve'
import { speedScenario } from './speed'

/** Every scenario, in the order a run takes them (freshness uses the speed scenario's rate). */
export const scenarios: Scenario[] = [speedScenario, fencingScenario, archiveScenario, recomputeScenario, serveScenario, freshnessScenario]
