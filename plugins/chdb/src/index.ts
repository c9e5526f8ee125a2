export { chdbDriverPlugin } from './chdb-driver-plugin'
export { ChdbDriver } from './chdb-driver'
export { parseChdbDriverOptions, type ChdbDriverOptions } from './chdb-driver-options'
