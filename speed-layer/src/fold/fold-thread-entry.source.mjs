// The entry of a fold thread when the speed layer runs as TypeScript source (the test suite; see
// FoldPool): a worker thread needs its own registration of tsx's hooks to load the entry's source.
// Not part of the built package.
import { register } from 'tsx/esm/api'

register()
await import('./fold-thread-entry.ts')
