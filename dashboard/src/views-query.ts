/**
 * The page's query of the views it may show: `pipeline { views }` lists only those the caller may
 * read. The server runs it in-process when every caller may read every view (no authentication)
 * and writes the answer into the page, which then starts without it (one round trip less).
 */
export const VIEWS_QUERY = '{ pipeline { views { name stream window granularities keys { name type } measures { name kind type } } } }'
