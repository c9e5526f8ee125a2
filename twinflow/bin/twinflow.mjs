#!/usr/bin/env node
// The twinflow CLI: the package's compiled JavaScript.
try {
  await import('../dist/cli/main.js')
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli/main.js')) throw error
  console.error('twinflow: the CLI is not built; run `npm run build` in the Twinflow checkout')
  process.exit(2)
}
