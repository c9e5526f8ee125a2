/** The benchmark's pipeline as a config file's `pipeline` module. */
export { purchasesPipeline as default } from './purchases.ts'
