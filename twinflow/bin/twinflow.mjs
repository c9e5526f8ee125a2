#!/usr/bin/env node
// Twinflow's sources are TypeScript; tsx compiles them on load (Node 20 cannot strip types).
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
