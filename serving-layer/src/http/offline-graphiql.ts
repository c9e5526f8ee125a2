import type { GraphiQLOptions } from 'graphql-yoga'

/**
 * Yoga's `renderGraphiQL` for a page that works offline: @graphql-yoga/render-graphiql inlines
 * GraphiQL's scripts, styles, fonts and editor workers, so the page loads nothing from another
 * origin (yoga's own page takes them from a CDN). The bundle (9 MB) is imported at the first page
 * view, and the page is made once: yoga passes the same options on every view.
 */
export function offlineGraphiQL(): (options: GraphiQLOptions) => Promise<string> {
  let page: Promise<string> | undefined
  return (options) => (page ??= import('@graphql-yoga/render-graphiql').then(({ renderGraphiQL }) => renderGraphiQL(options)))
}
