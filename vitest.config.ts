import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'

// Four levels: unit (*.spec.ts, pure logic), integration (*.int.spec.ts, embedded runtimes:
// chdb, in-memory log and store), browser (*.browser.spec.ts, Debian's Chromium driven by
// playwright-core, see @twinflow/e2e/browser), end-to-end (e2e/**/*.e2e.spec.ts, real services in containers).
// Forks, not threads: chdb binds one data directory per process. Two workers: the machine has 2 cores.
export default defineConfig({
  // graphql 16 ships CJS (main) and ESM (module); Node loads graphql-yoga's copy as CJS, so ours must
  // be the same instance, or schemas are rejected as "from another module or realm".
  // The `twinflow-source` export condition points each @twinflow package at its TypeScript source:
  // tests run the code as written, not a build of it.
  resolve: { alias: { graphql: 'graphql/index.js' } },
  ssr: { resolve: { conditions: ['twinflow-source', ...defaultServerConditions] } },
  test: {
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/src/**/*.spec.ts'],
          exclude: ['**/node_modules/**', '**/*.int.spec.ts', '**/*.browser.spec.ts', '**/*.e2e.spec.ts'],
          testTimeout: 20_000,
        },
      },
      { extends: true, test: { name: 'integration', include: ['**/*.int.spec.ts'], exclude: ['**/node_modules/**'], testTimeout: 120_000, hookTimeout: 120_000 } },
      // browser: after unit and integration (groupOrder), one file at a time in one fork: Chromium and
      // the Twinflow it tests share the machine's two cores.
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['**/*.browser.spec.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          poolOptions: { forks: { singleFork: true } },
          sequence: { concurrent: false, groupOrder: 1 },
        },
      },
      // e2e: after the other projects (groupOrder), one file at a time in one fork: its scenarios drive
      // containers and child processes that need the machine's two cores.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.spec.ts'],
          exclude: ['**/node_modules/**'],
          // Scenarios set their long timeouts on their describe blocks and hooks.
          testTimeout: 30_000,
          hookTimeout: 60_000,
          poolOptions: { forks: { singleFork: true } },
          sequence: { concurrent: false, groupOrder: 2 },
        },
      },
    ],
  },
})
