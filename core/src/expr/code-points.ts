const SURROGATE = /[\uD800-\uDFFF]/

/**
 * The Unicode code points of a string, each as a string: what Twinflow's string functions count
 * and cut (ClickHouse's lengthUTF8 and substringUTF8 count the same on valid UTF-8, and Twinflow's
 * strings are valid: lone surrogates are rejected at the edge). UTF-16 code units would split an
 * emoji in two.
 */
export function codePoints(s: string): string[] {
  return SURROGATE.test(s) ? Array.from(s) : s.split('')
}
