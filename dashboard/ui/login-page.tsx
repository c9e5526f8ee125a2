import { useState } from 'preact/hooks'
import type { DashboardSettings } from './settings.ts'

/** Asks once for the API key or the JWT the server's authentication takes; it is kept for the tab's session. */
export function LoginPage({ auth, refused, onSubmit }: { auth: DashboardSettings['auth']; refused: boolean; onSubmit: (credential: string) => void }) {
  const [value, setValue] = useState('')
  const what = auth.mode === 'jwt' ? 'JWT (bearer token)' : 'API key'
  return (
    <div class="login">
      <form
        class="card login-card"
        onSubmit={(e) => {
          e.preventDefault()
          if (value.trim()) onSubmit(value.trim())
        }}
      >
        <div class="brand big">
          <span class="logo" aria-hidden="true" />
          Twinflow
        </div>
        <h1>Sign in</h1>
        <p class="muted">
          This server asks for an {what}
          {auth.mode === 'api-key' ? ` (sent in the ${auth.header} header)` : ''}. It is kept for this browser tab only, and you see the views it may read.
        </p>
        {refused && (
          <p class="error" role="alert">
            The server refused this credential.
          </p>
        )}
        <label class="control">
          <span class="control-label">{what}</span>
          <input name="credential" type="password" autoComplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
        </label>
        <button type="submit" class="primary">
          Open the dashboard
        </button>
      </form>
    </div>
  )
}
