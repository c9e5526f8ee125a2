export { chdbDriverPlugin } from './chdb-driver-plugin.ts'
export { ChdbDriver } from './chdb-driver.ts'
export { chdbDriverOptionsSchema, parseChdbDriverOptions, type ChdbDriverOptions } from './chdb-driver-options.ts'
