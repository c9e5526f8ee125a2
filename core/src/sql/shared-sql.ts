/**
 * An SQL expression that generated SQL uses more than once, as the text of its first use (the
 * expression with an alias) and of every other (the alias), so that a statement's size grows with
 * its expressions, not with how often they are repeated: nested calendar arithmetic or a sketch's
 * hash written out at every use makes statements that 18.16 refuses ("AST is too big").
 *
 * The alias is named after the expression's text (`_s` and a hash of it): equal expressions get
 * one name wherever they are, and ClickHouse accepts an alias defined more than once with the same
 * expression (checked on 18.16 and current releases), and used before its definition, anywhere in
 * the statement's SELECT, WHERE, GROUP BY and aggregate arguments. Short expressions (a column, a
 * literal) are returned as they are.
 */
export function sharedSql(sql: string): { first: string; again: string } {
  if (sql.length <= 24 || /^[`A-Za-z_][\w`.]*$/.test(sql)) return { first: sql, again: sql }
  // Already a definition: a second alias would replace the first (18.16 then knows only the outer name).
  const defined = /^\(.* AS (_s[0-9a-z]+)\)$/s.exec(sql)
  if (defined && closingParenOfFirst(sql) === sql.length - 1) return { first: sql, again: defined[1]! }
  const name = `_s${fnv1a(sql).toString(36)}${sql.length.toString(36)}`
  return { first: `(${sql} AS ${name})`, again: name }
}

/** Where the parenthesis that opens `sql` closes (string literals skipped), or -1. */
function closingParenOfFirst(sql: string): number {
  let depth = 0
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]
    if (c === "'" || c === '`') {
      for (i++; i < sql.length && sql[i] !== c; i++) if (sql[i] === '\\') i++
    } else if (c === '(') depth++
    else if (c === ')' && --depth === 0) return i
  }
  return -1
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}
