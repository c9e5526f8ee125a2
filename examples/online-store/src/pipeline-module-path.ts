import { fileURLToPath } from 'node:url'

/** Absolute path of `pipeline-module.ts`: what a config's `pipeline` names to run the example (fold threads import it). */
export const onlineStorePipelineModule = fileURLToPath(new URL('./pipeline-module.ts', import.meta.url))
