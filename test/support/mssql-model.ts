import type { ClientContext, ConnectorClient, ObjectState, Statement, UnitResult } from '../../src/connectors/connector.js'
import { groupReadBackTargets } from '../../src/connectors/kit/read-back-targets.js'
import { mssqlSnapshot, type MssqlRow } from '../../src/connectors/mssql/mssql-read-back.js'
import type { MssqlDialect } from '../../src/connectors/mssql/mssql-dialect.js'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import type { AssetRef } from '../../src/model/asset.js'
import { displayOf, type BoundParam } from '../../src/model/statement.js'
import { decodeDeclare, interpretProperty, type PropertyEffect } from './mssql-decoder.js'

type Relation = { type: 'U' | 'V'; owner: string | null; columns: string[] }
const key = (...parts: (string | null)[]) => JSON.stringify(parts)

/**
 * A model of one SQL Server database for the golden tier: it takes the statements revmeta sends
 * through the golden decoder (a statement it cannot decode fails), applies them as SQL Server's
 * procedures would (an unknown level name is error 15135), and answers the read-back queries
 * with rows of the shape SQL Server returns, which the connector's own mapping then reads.
 */
export class MssqlModel {
  owner: string | null = 'sa'
  readonly schemas = new Map<string, string | null>()
  readonly relations = new Map<string, Relation>()
  /** Extended properties by key(schema, object, column) → name → value. */
  readonly properties = new Map<string, Map<string, string>>()

  constructor(readonly database: string) {}

  schema(name: string, owner = 'dbo'): this {
    this.schemas.set(name, owner)
    return this
  }

  relation(schema: string, name: string, type: 'U' | 'V', columns: readonly string[]): this {
    this.relations.set(key(schema, name), { type, owner: null, columns: [...columns] })
    return this
  }

  props(schema: string | null, object: string | null, column: string | null): Map<string, string> {
    const k = key(schema, object, column)
    let found = this.properties.get(k)
    if (found === undefined) this.properties.set(k, (found = new Map()))
    return found
  }

  /** Runs one statement exactly as decoded: the bound values must equal what the display states. */
  run(statement: Statement): void {
    if (statement.kind !== 'sql') throw new Error('not SQL')
    if (statement.params === undefined) return this.alterAuthorization(statement.sql)
    const shown = decodeDeclare(displayOf(statement))
    const same = (a: readonly BoundParam[]) => JSON.stringify(a.map((p) => [p.name, p.type, p.value]))
    if (shown.sql !== statement.sql || same(shown.params) !== same(statement.params)) throw new RevmetaError('INTERNAL', 'the display differs from what is bound')
    this.apply(interpretProperty(statement.sql, statement.params))
  }

  private apply(effect: PropertyEffect): void {
    const [schema, relation, column] = effect.levels
    if (schema !== undefined && !this.schemas.has(schema[1])) throw invalid()
    if (relation !== undefined) {
      const found = this.relations.get(key(schema![1], relation[1]))
      if (found === undefined || (relation[0] === 'VIEW') !== (found.type === 'V')) throw invalid()
      if (column !== undefined && !found.columns.includes(column[1])) throw invalid()
    }
    const props = this.props(schema?.[1] ?? null, relation?.[1] ?? null, column?.[1] ?? null)
    if (effect.op === 'upsert') props.set(effect.name, effect.value!)
    else if (props.has(effect.name) && (effect.onlyIf === undefined || props.get(effect.name) === effect.onlyIf)) props.delete(effect.name)
  }

  private alterAuthorization(sql: string): void {
    const match = /^ALTER AUTHORIZATION ON (DATABASE|SCHEMA|OBJECT)::((?:\[(?:[^\]]|\]\])*\])(?:\.\[(?:[^\]]|\]\])*\])?) TO (\[(?:[^\]]|\]\])*\])$/s.exec(sql)
    if (match === null) throw new RevmetaError('SQL_FAILED', `Incorrect syntax: ${sql}`)
    const names = [...match[2]!.matchAll(/\[((?:[^\]]|\]\])*)\]/g)].map((m) => m[1]!.replaceAll(']]', ']'))
    const to = match[3]!.slice(1, -1).replaceAll(']]', ']')
    if (match[1] === 'DATABASE') {
      if (names[0] !== this.database) throw invalid()
      this.owner = to
    } else if (match[1] === 'SCHEMA') {
      if (!this.schemas.has(names[0]!)) throw invalid()
      this.schemas.set(names[0]!, to)
    } else {
      const relation = this.relations.get(key(names[0]!, names[1]!))
      if (relation === undefined) throw invalid()
      relation.owner = to
    }
  }

  /** What the read-back queries return for `schemas`, in SQL Server's row shape. */
  rows(schemas: readonly string[]): MssqlRow[] {
    const row = (what: string, parts: Partial<MssqlRow>): MssqlRow => ({ what, schema_name: null, object_name: null, object_type: null, column_name: null, prop: null, value: null, owner: null, ...parts })
    const out: MssqlRow[] = [row('database', { owner: this.owner })]
    for (const [k, props] of this.properties) {
      const [schema = null, object = null, column = null] = JSON.parse(k) as (string | null)[]
      if (schema !== null && !schemas.includes(schema)) continue
      const type = object === null ? null : (this.relations.get(key(schema, object))?.type ?? null)
      for (const [prop, value] of props) out.push(row('property', { schema_name: schema ?? null, object_name: object ?? null, object_type: type, column_name: column ?? null, prop, value }))
    }
    for (const [schema, owner] of this.schemas) {
      if (!schemas.includes(schema)) continue
      out.push(row('schema', { schema_name: schema, owner }))
    }
    for (const [k, relation] of this.relations) {
      const [schema, name] = JSON.parse(k) as string[]
      if (!schemas.includes(schema!)) continue
      out.push(row('object', { schema_name: schema!, object_name: name!, object_type: `${relation.type} `, owner: relation.owner ?? this.schemas.get(schema!) ?? null }))
      for (const column of relation.columns) out.push(row('column', { schema_name: schema!, object_name: name!, object_type: `${relation.type} `, column_name: column }))
    }
    return out
  }

  /** A ConnectorClient over this model, in place of the driver: everything but the wire is revmeta's own. */
  client(context: ClientContext): ConnectorClient {
    const tagPrefix = (context.dialect as MssqlDialect).options.tagPrefix
    return {
      execute: async (route: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> =>
        units.map((unit) => {
          try {
            for (const statement of unit) {
              if (statement.kind !== 'sql' || statement.database !== route || route !== this.database) throw new RevmetaError('INTERNAL', 'misrouted statement')
              this.run(statement)
            }
            return { ok: true }
          } catch (error) {
            return { ok: false, error: error instanceof RevmetaError ? error : new RevmetaError('SQL_FAILED', String(error)) }
          }
        }),
      readBack: async (assets: readonly AssetRef[]) => {
        const snapshot = new Map<string, ObjectState>()
        for (const [database, schemas] of groupReadBackTargets(assets)) {
          if (database === this.database) mssqlSnapshot(snapshot, context.service, database, this.rows([...schemas]), tagPrefix)
        }
        return snapshot
      },
      close: async () => undefined,
    }
  }
}

function invalid(): RevmetaError {
  return new RevmetaError('OBJECT_NOT_FOUND', 'Object is invalid. Extended properties are not permitted on it, or the object does not exist. [error 15135]')
}
