/** The sketch benchmarks' count-only view as a config file's `pipeline` module (fold threads import it). */
export { countPipeline as default } from './sketch-views.ts'
