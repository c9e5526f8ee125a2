import type { BrowserContext, Page } from 'playwright-core'

/**
 * Every URL that pages asked for, in order: documents, scripts, styles, fonts, images, fetches,
 * event streams, their workers' requests and WebSockets. `outside` says which left an origin.
 */
export class RequestLog {
  readonly urls: string[] = []

  /** Records the requests of a context's pages (and of their workers) from now on. */
  watch(context: BrowserContext): void {
    context.on('request', (request) => this.urls.push(request.url()))
    const watchSockets = (page: Page) => page.on('websocket', (socket) => this.urls.push(socket.url()))
    for (const page of context.pages()) watchSockets(page)
    context.on('page', watchSockets)
  }

  /**
   * The URLs of another origin than `origin` (e.g. `http://127.0.0.1:4000`). A blob: URL has the
   * origin of the page that made it; a data: URL is inline (nothing is fetched), so it is none.
   */
  outside(origin: string): string[] {
    const allowed = new URL(origin).origin
    return this.urls.filter((url) => !url.startsWith('data:') && originOf(url) !== allowed)
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return 'null'
  }
}
