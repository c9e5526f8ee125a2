import { pathToFileURL } from 'node:url'
import { onlineStorePipelineModule } from '@twinflow/example-online-store'

/** File URL of the online-store example's pipeline module (what fold threads import in tests). */
export const ONLINE_STORE_MODULE = pathToFileURL(onlineStorePipelineModule).href
