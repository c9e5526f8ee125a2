import type { DashboardSettings } from '../src/dashboard-settings.ts'

export type { DashboardSettings }

/** The settings the server wrote into the page (a page opened without a server gets the defaults). */
export function readSettings(): DashboardSettings {
  const text = document.getElementById('twinflow-settings')?.textContent ?? ''
  const parsed: unknown = text ? JSON.parse(text) : null
  if (parsed && typeof parsed === 'object') return parsed as DashboardSettings
  return { mountPath: '/ui', graphqlPath: '/graphql', auth: { mode: 'none' } }
}
