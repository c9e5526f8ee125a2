/** Style sheets imported for their effect: esbuild bundles them into assets/dashboard.css. */
declare module '*.css'
