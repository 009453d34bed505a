/**
 * `$1, $2, …` parameters rewritten as SQLite's anonymous `?`, with the order to bind values in
 * (a number may occur several times). SQLite looks every named or numbered parameter up in a list
 * as it parses, and better-sqlite3 binds named values one lookup at a time too: a statement of
 * 10,000 `$n` took 0.8 s to prepare and 0.5 s to bind, against 10 ms and 15 ms as `?`. String
 * literals, quoted identifiers and comments are left as they are.
 */
export function positionalParams(sql: string): { sql: string; order: number[] } {
  const order: number[] = []
  let out = ''
  let i = 0
  let copied = 0
  while (i < sql.length) {
    const c = sql[i]!
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1)
      // A doubled quote inside is two adjacent quoted runs: the scan resumes after each.
      i = end === -1 ? sql.length : end + 1
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      i = end === -1 ? sql.length : end + 1
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end === -1 ? sql.length : end + 2
    } else if (c === '$' && /[0-9]/.test(sql[i + 1] ?? '')) {
      let j = i + 1
      while (j < sql.length && sql.charCodeAt(j) >= 48 && sql.charCodeAt(j) <= 57) j++
      out += sql.slice(copied, i) + '?'
      order.push(Number(sql.slice(i + 1, j)))
      i = j
      copied = j
    } else i++
  }
  return { sql: out + sql.slice(copied), order }
}
