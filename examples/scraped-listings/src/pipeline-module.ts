/** The example's pipeline as a config file's `pipeline` module (`"pipeline": "./src/pipeline-module.ts"`). */
export { scrapedListingsPipeline as default } from './pipeline.ts'
