/** The number of Unicode code points of a (well-formed) string: a surrogate pair counts once. */
export function codePointLength(s: string): number {
  let pairs = 0
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i)
    if (unit >= 0xd800 && unit <= 0xdbff) pairs++
  }
  return s.length - pairs
}
