/**
 * Parameters per statement the catalog stays under: SQLite allows 32,766 and PostgreSQL 65,535;
 * well below both, so one statement's text and bound values stay modest.
 */
export const maxParams = 30_000

/** `$from, $from+1, …` for `count` parameters: a list of IN (…) or one row of VALUES. */
export function placeholders(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ')
}

/** `items` in slices whose statements bind at most maxParams values (`perItem` each, besides `fixed` others). */
export function paramChunks<T>(items: readonly T[], perItem: number, fixed = 0): T[][] {
  const size = Math.max(1, Math.floor((maxParams - fixed) / perItem))
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** Multi-row `VALUES (…), (…)` for `rows` rows of `width` parameters each, numbered from $1. */
export function valueRows(rows: number, width: number): string {
  return Array.from({ length: rows }, (_, r) => `(${placeholders(r * width + 1, width)})`).join(', ')
}

/**
 * Byte order of UTF-8, as PostgreSQL's "C" collation and SQLite's BINARY sort: lists sorted in
 * JS so the order does not depend on the PostgreSQL server's default collation.
 */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}
