/** The alert scenario's pipeline as a config file's `pipeline` module. */
export { alertingPipeline as default } from './alerting-pipeline.ts'
