/** The sketch benchmarks' view as a config file's `pipeline` module (fold threads import it). */
export { sketchPipeline as default } from './sketch-views.ts'
