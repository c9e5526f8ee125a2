import { useEffect, useMemo, useState } from 'preact/hooks'
import { credentialStore } from './api/credential-store.ts'
import { GraphQLClient } from './api/graphql-client.ts'
import { chartableViews, loadViews, type ViewMeta } from './api/pipeline-meta.ts'
import { LoginPage } from './login-page.tsx'
import { PipelinePage } from './pipeline/pipeline-page.tsx'
import type { DashboardSettings } from './settings.ts'
import { MARKS, markOnce } from './views/first-chart-mark.ts'
import { ViewPage } from './views/view-page.tsx'

interface Route {
  page: 'home' | 'view' | 'pipeline' | 'unknown'
  view?: string
}

/** `<mount>/views/<name>` → a view, `<mount>/pipeline` → the pipeline, `<mount>/` → the first view. */
function routeOf(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent)
  if (parts.length === 0) return { page: 'home' }
  if (parts[0] === 'views' && parts[1]) return { page: 'view', view: parts[1] }
  if (parts[0] === 'pipeline') return { page: 'pipeline' }
  return { page: 'unknown' }
}

/** The dashboard: navigation, sign-in when the server asks for a credential, and the page of the URL. */
export function App({ settings }: { settings: DashboardSettings }) {
  const [location, setLocation] = useState(() => ({ path: window.location.pathname, search: window.location.search }))
  const [credential, setCredential] = useState(() => credentialStore.get())
  const [refused, setRefused] = useState(false)
  // Written into the page when every caller may read every view: no query to wait for.
  const [views, setViews] = useState<ViewMeta[] | null>(() => (settings.views ? chartableViews(settings.views as Parameters<typeof chartableViews>[0]) : null))
  const [error, setError] = useState<string | null>(null)
  const needsCredential = settings.auth.mode !== 'none'

  const client = useMemo(
    () =>
      new GraphQLClient(settings, credentialStore.get, () => {
        credentialStore.clear()
        setCredential(null)
        setRefused(true)
      }),
    [settings],
  )

  const navigate = (path: string, search = '') => {
    const url = `${settings.mountPath}${path}${search}`
    if (url !== window.location.pathname + window.location.search) window.history.pushState(null, '', url)
    setLocation({ path: window.location.pathname, search: window.location.search })
  }

  useEffect(() => {
    const onPop = () => setLocation({ path: window.location.pathname, search: window.location.search })
    window.addEventListener('popstate', onPop)
    // Links inside the app change the page without loading it again.
    const onClick = (e: MouseEvent) => {
      const a = (e.target as Element | null)?.closest?.('a')
      if (!a || a.target || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return
      const url = new URL(a.href)
      if (url.origin !== window.location.origin || !url.pathname.startsWith(`${settings.mountPath}/`)) return
      e.preventDefault()
      navigate(url.pathname.slice(settings.mountPath.length), url.search)
    }
    document.addEventListener('click', onClick)
    return () => {
      window.removeEventListener('popstate', onPop)
      document.removeEventListener('click', onClick)
    }
  }, [])

  useEffect(() => {
    if (needsCredential && !credential) return
    if (views) {
      markOnce(MARKS.viewsLoaded)
      return
    }
    setError(null)
    loadViews(client).then(
      (loaded) => {
        markOnce(MARKS.viewsLoaded)
        setViews(loaded)
      },
      (e: Error) => setError(e.message),
    )
  }, [client, credential])

  if (needsCredential && !credential) {
    return (
      <LoginPage
        auth={settings.auth}
        refused={refused}
        onSubmit={(c) => {
          credentialStore.set(c)
          setRefused(false)
          setCredential(c)
        }}
      />
    )
  }

  const route = routeOf(location.path.slice(settings.mountPath.length))
  const view = route.page === 'view' ? views?.find((v) => v.name === route.view) : route.page === 'home' ? views?.[0] : undefined
  const viewHref = (name: string) => `${settings.mountPath}/views/${encodeURIComponent(name)}`

  let content = null
  if (error) {
    content = (
      <p class="error page" role="alert">
        {error}
      </p>
    )
  } else if (!views) {
    content = <p class="muted page">Loading…</p>
  } else if (route.page === 'pipeline') {
    content = <PipelinePage client={client} viewHref={viewHref} />
  } else if (view) {
    content = <ViewPage key={view.name} client={client} view={view} search={location.search} setSearch={(search) => navigate(`/views/${encodeURIComponent(view.name)}`, search)} />
  } else if (views.length === 0) {
    content = <p class="muted page">{needsCredential ? 'This credential may read no view.' : 'The pipeline has no view.'}</p>
  } else {
    content = <p class="muted page">No view {route.view ? `"${route.view}" that you may read` : 'here'}.</p>
  }

  return (
    <div class="layout">
      <nav class="sidebar">
        <a class="brand" href={`${settings.mountPath}/`}>
          <span class="logo" aria-hidden="true" />
          Twinflow
        </a>
        <div class="nav-section">Views</div>
        {(views ?? []).map((v) => (
          <a key={v.name} href={viewHref(v.name)} class={`nav-item${view?.name === v.name ? ' active' : ''}`} data-view={v.name}>
            {v.name}
            <span class="nav-meta">{v.stream}</span>
          </a>
        ))}
        <div class="nav-section">Operations</div>
        <a href={`${settings.mountPath}/pipeline`} class={`nav-item${route.page === 'pipeline' ? ' active' : ''}`}>
          Pipeline
        </a>
        <a href={settings.graphqlPath} class="nav-item" target="_blank" rel="noreferrer">
          GraphQL API ↗
        </a>
        {needsCredential && (
          <button
            type="button"
            class="nav-item sign-out"
            onClick={() => {
              credentialStore.clear()
              setCredential(null)
              setViews(null)
            }}
          >
            Sign out
          </button>
        )}
      </nav>
      <main class="content">{content}</main>
    </div>
  )
}
