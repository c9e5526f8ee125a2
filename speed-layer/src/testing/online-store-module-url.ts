import { pathToFileURL } from 'node:url'

/** File URL of the online-store example's pipeline module (what fold threads import in tests). */
export const ONLINE_STORE_MODULE = pathToFileURL(new URL('../../../examples/online-store/src/pipeline-module.ts', import.meta.url).pathname).href
