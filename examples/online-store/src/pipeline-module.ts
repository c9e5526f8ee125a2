/** The example's pipeline as a config file's `pipeline` module (`"pipeline": ".../pipeline-module.ts"`). */
export { onlineStorePipeline as default } from './pipeline.ts'
