import type { BoundParam } from '../../src/model/statement.js'

/**
 * Reads SQL Server text as the server would, for golden tests: N'...' literals (quotes doubled,
 * a backslash before a line break removed with it, as SQL Server's line continuation does),
 * `(lit + lit)` concatenations, DECLARE lists, and the extended-property statements revmeta
 * renders. Anything else is an error: a decoder that guesses would hide a wrong byte.
 */

export class Cursor {
  constructor(
    readonly text: string,
    public pos = 0,
  ) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++
  }

  eat(token: string): void {
    this.skipSpace()
    if (!this.text.startsWith(token, this.pos)) throw new Error(`expected ${JSON.stringify(token)} at ${this.pos}: ${JSON.stringify(this.text.slice(this.pos, this.pos + 60))}`)
    this.pos += token.length
  }

  tryEat(token: string): boolean {
    this.skipSpace()
    if (!this.text.startsWith(token, this.pos)) return false
    this.pos += token.length
    return true
  }

  word(): string {
    this.skipSpace()
    const match = /^[@\w.]+(?:\((?:\d+|max)\))?/.exec(this.text.slice(this.pos))
    if (match === null) throw new Error(`expected a word at ${this.pos}`)
    this.pos += match[0].length
    return match[0]
  }

  atEnd(): boolean {
    this.skipSpace()
    return this.pos >= this.text.length
  }
}

/** One N'...' literal, as SQL Server reads it. */
export function readNLiteral(c: Cursor): string {
  c.eat("N'")
  let out = ''
  for (;;) {
    const ch = c.text[c.pos]
    if (ch === undefined) throw new Error('unterminated literal')
    if (ch === "'") {
      if (c.text[c.pos + 1] === "'") {
        out += "'"
        c.pos += 2
        continue
      }
      c.pos++
      return out
    }
    // Line continuation: backslash + CRLF or LF vanishes.
    if (ch === '\\' && (c.text.startsWith('\r\n', c.pos + 1) || c.text[c.pos + 1] === '\n')) {
      c.pos += c.text[c.pos + 1] === '\r' ? 3 : 2
      continue
    }
    out += ch
    c.pos++
  }
}

/** A literal, NULL, or a parenthesised `+` concatenation of literals. */
export function readValue(c: Cursor): string | null {
  if (c.tryEat('NULL')) return null
  if (c.tryEat('(')) {
    let out = readNLiteral(c)
    while (c.tryEat('+')) out += readNLiteral(c)
    c.eat(')')
    return out
  }
  return readNLiteral(c)
}

/** A whole text that must be exactly one literal expression. */
export function decodeMssqlLiteral(text: string): string | null {
  const c = new Cursor(text)
  const value = readValue(c)
  if (!c.atEnd()) throw new Error(`text after the literal: ${text.slice(c.pos)}`)
  return value
}

/** `DECLARE @a t = v, ...; rest` → the declared values and the rest of the batch. */
export function decodeDeclare(display: string): { params: BoundParam[]; sql: string } {
  const c = new Cursor(display)
  c.eat('DECLARE')
  const params: BoundParam[] = []
  do {
    const name = c.word()
    if (!name.startsWith('@rm_')) throw new Error(`unexpected variable ${name}`)
    const type = c.word()
    c.eat('=')
    params.push({ name: name.slice(4), type, value: readValue(c) })
  } while (c.tryEat(','))
  c.eat(';')
  c.skipSpace()
  return { params, sql: display.slice(c.pos) }
}

/** What one extended-property statement does, with every placeholder resolved. */
export interface PropertyEffect {
  readonly op: 'upsert' | 'drop'
  readonly name: string
  readonly value?: string
  /** Drop only when the property holds this value (a removed tag). */
  readonly onlyIf?: string
  /** [type, name] pairs: SCHEMA, TABLE | VIEW, COLUMN. */
  readonly levels: readonly (readonly [string, string])[]
}

function argList(c: Cursor, resolve: (token: string) => string | null): Map<string, string | null> {
  const args = new Map<string, string | null>()
  do {
    const key = c.word()
    c.eat('=')
    c.skipSpace()
    const value = c.text.startsWith("N'", c.pos) ? readNLiteral(c) : resolve(c.word())
    args.set(key, value)
  } while (c.tryEat(','))
  return args
}

function levelsOf(args: Map<string, string | null>): [string, string][] {
  const out: [string, string][] = []
  for (const i of [0, 1, 2]) {
    const type = args.get(`@level${i}type`)
    if (type === undefined) break
    out.push([type!, args.get(`@level${i}name`)!])
  }
  return out
}

/**
 * Interprets one statement the dialect rendered, with the values bound to its placeholders.
 * Checks that the lookup in IF EXISTS names the same property and levels as the procedures.
 */
export function interpretProperty(sql: string, params: readonly BoundParam[]): PropertyEffect {
  const bound = new Map(params.map((p) => [`@rm_${p.name}`, p.value]))
  const resolve = (token: string): string | null => {
    if (token === 'NULL') return null
    if (!bound.has(token)) throw new Error(`unbound placeholder ${token}`)
    return bound.get(token)!
  }
  const c = new Cursor(sql)
  c.eat('IF EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(')
  const lookup: (string | null)[] = []
  do {
    c.skipSpace()
    lookup.push(c.text.startsWith("N'", c.pos) ? readNLiteral(c) : resolve(c.word()))
  } while (c.tryEat(','))
  c.eat(')')
  let onlyIf: string | undefined
  if (c.tryEat('WHERE CAST(value AS nvarchar(4000)) COLLATE Latin1_General_BIN2 =')) {
    onlyIf = resolve(c.word()) ?? undefined
    c.eat('COLLATE Latin1_General_BIN2')
  }
  c.eat(')')
  const checkLookup = (effect: PropertyEffect): PropertyEffect => {
    const expected = [effect.name, ...[0, 1, 2].flatMap((i) => effect.levels[i] ?? [null, null])]
    if (JSON.stringify(expected) !== JSON.stringify(lookup)) throw new Error(`the lookup ${JSON.stringify(lookup)} differs from the procedure's ${JSON.stringify(expected)}`)
    return effect
  }
  if (c.tryEat('EXEC sys.sp_dropextendedproperty')) {
    const args = argList(c, resolve)
    if (!c.atEnd()) throw new Error(`text after the statement: ${sql.slice(c.pos)}`)
    return checkLookup({ op: 'drop', name: args.get('@name')!, levels: levelsOf(args), ...(onlyIf !== undefined ? { onlyIf } : {}) })
  }
  c.eat('EXEC sys.sp_updateextendedproperty')
  const update = argList(c, resolve)
  c.eat('ELSE EXEC sys.sp_addextendedproperty')
  const add = argList(c, resolve)
  if (!c.atEnd()) throw new Error(`text after the statement: ${sql.slice(c.pos)}`)
  if (JSON.stringify([...update]) !== JSON.stringify([...add])) throw new Error('update and add take different arguments')
  return checkLookup({ op: 'upsert', name: update.get('@name')!, value: update.get('@value')!, levels: levelsOf(update) })
}
