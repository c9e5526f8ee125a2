const KEY = 'twinflow.credential'

/** The API key or JWT entered once, kept for the browser tab's session (sessionStorage), never sent elsewhere. */
export const credentialStore = {
  get(): string | null {
    return sessionStorage.getItem(KEY)
  },
  set(credential: string): void {
    sessionStorage.setItem(KEY, credential)
  },
  clear(): void {
    sessionStorage.removeItem(KEY)
  },
}
