import { createJsonLogger } from '@twinflow/core'
import { schedulerConformance } from '@twinflow/testing/conformance'
import { NodeCronScheduler } from './node-cron-scheduler.ts'

schedulerConformance('node-cron', () => new NodeCronScheduler(createJsonLogger({ level: 'silent' })))
