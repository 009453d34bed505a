/**
 * The fields inside a Databricks STRUCT column, read from the two places the workspace states a
 * column's type: `information_schema.columns.full_data_type` (Spark's type text, e.g.
 * `struct<street:string COMMENT 'x',zip:int>`) and, in Unity Catalog's REST table listing,
 * `columns[].type_json` (Spark's StructField JSON, each field's comment in `metadata.comment`).
 * Pure and forgiving: a type it cannot read yields no fields, never an error, since read-back of
 * the column itself must not fail over one odd type.
 */
export interface StructField {
  /** The path as OpenMetadata names the field: struct field names only, array levels skipped. */
  readonly path: readonly string[]
  /** The path as Databricks addresses it in ALTER COLUMN: null steps into an array's elements (the `element` keyword). */
  readonly address: readonly (string | null)[]
  readonly comment: string | null
}

/** A parsed data type: only what addressing needs (structs, arrays); every other type is a leaf. */
export type TypeNode = { readonly kind: 'struct'; readonly fields: readonly FieldNode[] } | { readonly kind: 'array'; readonly element: TypeNode } | { readonly kind: 'other' }
export interface FieldNode {
  readonly name: string
  readonly type: TypeNode
  readonly comment: string | null
}

const other: TypeNode = { kind: 'other' }

/** Every field nested in a column of this type, outermost first; [] for a plain type or unreadable text. */
export function structFields(type: TypeNode): StructField[] {
  const out: StructField[] = []
  const walk = (node: TypeNode, path: readonly string[], address: readonly (string | null)[]) => {
    if (node.kind === 'array') return walk(node.element, path, [...address, null])
    if (node.kind !== 'struct') return
    for (const field of node.fields) {
      const fieldPath = [...path, field.name]
      const fieldAddress = [...address, field.name]
      out.push({ path: fieldPath, address: fieldAddress, comment: field.comment })
      walk(field.type, fieldPath, fieldAddress)
    }
  }
  walk(type, [], [])
  return out
}

/** Reads `full_data_type`; `other` when the text is not a type this parser knows in full. */
export function parseFullDataType(text: string): TypeNode {
  try {
    const reader = new TypeReader(text)
    const type = reader.type()
    reader.skipSpace()
    return reader.atEnd() ? type : other
  } catch {
    return other
  }
}

/** Reads a `type_json` value (the StructField JSON, or its `type` alone); `other` when it is not one. */
export function parseTypeJson(json: unknown): TypeNode {
  let value = json
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown
    } catch {
      return other
    }
  }
  const record = asRecord(value)
  if (record !== undefined && 'name' in record && 'type' in record) return jsonType(record.type)
  return jsonType(value)
}

function jsonType(value: unknown): TypeNode {
  const record = asRecord(value)
  if (record === undefined) return other
  if (record.type === 'array') return { kind: 'array', element: jsonType(record.elementType) }
  if (record.type !== 'struct' || !Array.isArray(record.fields)) return other
  const fields: FieldNode[] = []
  for (const item of record.fields) {
    const field = asRecord(item)
    if (field === undefined || typeof field.name !== 'string') continue
    const comment = asRecord(field.metadata)?.comment
    fields.push({ name: field.name, type: jsonType(field.type), comment: typeof comment === 'string' && comment !== '' ? comment : null })
  }
  return { kind: 'struct', fields }
}

const asRecord = (value: unknown): Record<string, unknown> | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined)

/** Literal escapes Databricks decodes (dialects.md §10 e); any other `\x` reads `x`, `\%` and `\_` keep their backslash. */
const escapes: Readonly<Record<string, string>> = { '0': '\u0000', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\u001a' }

/**
 * Recursive descent over Spark's type text, in both spellings it comes in: `struct<a:int>`
 * (catalog string) and `STRUCT<a: INT NOT NULL COMMENT 'x'>` (SQL form), names bare or
 * backtick-quoted (a doubled backtick is one), comments single- or double-quoted with escapes.
 */
class TypeReader {
  private i = 0
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length
  }

  skipSpace(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++
  }

  type(): TypeNode {
    this.skipSpace()
    const word = this.peekWord().toLowerCase()
    if ((word === 'struct' || word === 'array' || word === 'map') && this.after(word.length) === '<') {
      this.i += word.length
      this.skipSpace()
      this.expect('<')
      if (word === 'map') {
        // Fields inside a map's keys or values are not addressed: OpenMetadata lists none.
        this.type()
        this.skipSpace()
        this.expect(',')
        this.type()
        this.skipSpace()
        this.expect('>')
        return other
      }
      if (word === 'array') {
        const element = this.type()
        this.skipSpace()
        this.expect('>')
        return { kind: 'array', element }
      }
      return { kind: 'struct', fields: this.fields() }
    }
    this.scalar()
    return other
  }

  private fields(): FieldNode[] {
    const fields: FieldNode[] = []
    this.skipSpace()
    if (this.s[this.i] === '>') {
      this.i++
      return fields
    }
    for (;;) {
      this.skipSpace()
      const name = this.fieldName()
      this.skipSpace()
      this.expect(':')
      const type = this.type()
      const comment = this.modifiers()
      fields.push({ name, type, comment })
      this.skipSpace()
      const ch = this.s[this.i++]
      if (ch === '>') return fields
      if (ch !== ',') throw new Error(`expected , or > at ${this.i - 1}`)
    }
  }

  private fieldName(): string {
    if (this.s[this.i] === '`') {
      let name = ''
      this.i++
      for (;;) {
        const end = this.s.indexOf('`', this.i)
        if (end < 0) throw new Error('unterminated name')
        name += this.s.slice(this.i, end)
        this.i = end + 1
        if (this.s[this.i] !== '`') return name
        name += '`'
        this.i++
      }
    }
    // A bare name runs to the colon (the catalog string leaves odd names unquoted).
    const end = this.s.indexOf(':', this.i)
    if (end <= this.i) throw new Error('expected a field name')
    const name = this.s.slice(this.i, end).trim()
    this.i = end
    return name
  }

  /** `NOT NULL`, `COLLATE x`, `DEFAULT ...` are passed over; the `COMMENT '...'` is returned. */
  private modifiers(): string | null {
    let comment: string | null = null
    for (;;) {
      this.skipSpace()
      const word = this.peekWord().toUpperCase()
      if (word === 'COMMENT') {
        this.i += word.length
        this.skipSpace()
        comment = this.literal()
      } else if (word === 'NOT' || word === 'NULL' || word === 'COLLATE') {
        this.i += word.length
        if (word === 'COLLATE') {
          this.skipSpace()
          this.i += this.peekWord().length
        }
      } else return comment === '' ? null : comment
    }
  }

  private literal(): string {
    const quote = this.s[this.i]
    if (quote !== "'" && quote !== '"') throw new Error('expected a quoted comment')
    let out = ''
    this.i++
    while (this.i < this.s.length) {
      const ch = this.s[this.i]!
      if (ch === '\\') {
        const next = this.s[this.i + 1]
        if (next === undefined) break
        out += next === '%' || next === '_' ? `\\${next}` : (escapes[next] ?? next)
        this.i += 2
      } else if (ch === quote) {
        this.i++
        return out
      } else {
        out += ch
        this.i++
      }
    }
    throw new Error('unterminated comment')
  }

  /** A plain type: a name with words and parenthesised arguments (`decimal(10,2)`, `interval day to second`). */
  private scalar(): void {
    const start = this.i
    let depth = 0
    while (this.i < this.s.length) {
      const ch = this.s[this.i]!
      if (ch === '(') depth++
      else if (ch === ')') depth--
      else if (depth === 0 && (ch === ',' || ch === '>' || ch === '<' || ch === "'" || ch === '"' || ch === '`')) break
      else if (depth === 0 && /\s/.test(ch) && /^(COMMENT|NOT|COLLATE)\b/i.test(this.s.slice(this.i).trimStart())) break
      this.i++
    }
    if (this.s.slice(start, this.i).trim() === '') throw new Error(`expected a type at ${start}`)
  }

  private peekWord(): string {
    return /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i))?.[0] ?? ''
  }

  /** The first non-space character `offset` characters on. */
  private after(offset: number): string | undefined {
    return /^\s*(\S)/.exec(this.s.slice(this.i + offset))?.[1]
  }

  private expect(ch: string): void {
    if (this.s[this.i] !== ch) throw new Error(`expected ${ch} at ${this.i}`)
    this.i++
  }
}
