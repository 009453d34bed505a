import type { ClientContext, ConnectorClient, ObjectState, SessionFacts, Statement, UnitResult } from '../../src/connectors/connector.js'
import { groupReadBackTargets } from '../../src/connectors/kit/read-back-targets.js'
import type { OracleDialect } from '../../src/connectors/oracle/oracle-dialect.js'
import { oracleHasAnnotations } from '../../src/connectors/oracle/oracle-version.js'
import { oracleSnapshot, type OracleRow } from '../../src/connectors/oracle/oracle-read-back.js'
import { RevmetaError } from '../../src/errors/revmeta-error.js'
import type { AssetRef } from '../../src/model/asset.js'
import { interpretOracle } from './oracle-decoder.js'

type Relation = { type: 'TABLE' | 'VIEW' | 'MVIEW'; comment: string | null; columns: Map<string, string | null>; annotations: Map<string, Map<string, string>> }
const columnKey = '\u0000relation'

/**
 * A model of one Oracle database for the golden tier: statements go through the golden decoder
 * and are applied as Oracle would (COMMENT ... IS '' stores NULL; ADD of an existing annotation
 * fails, DROP IF EXISTS does not), and read-back answers come as oracledb rows, which the
 * connector's own mapping reads.
 */
export class OracleModel {
  readonly relations = new Map<string, Relation>()

  constructor(
    readonly database: string,
    readonly version = '23.4.0.24.5',
  ) {}

  relation(schema: string, name: string, type: Relation['type'], columns: readonly string[]): this {
    this.relations.set(JSON.stringify([schema, name]), { type, comment: null, columns: new Map(columns.map((c) => [c, null])), annotations: new Map() })
    return this
  }

  get(schema: string, name: string): Relation | undefined {
    return this.relations.get(JSON.stringify([schema, name]))
  }

  run(sql: string): void {
    const effect = interpretOracle(sql)
    const [schema, name, column] = effect.name
    const relation = this.get(schema!, name!)
    if (relation === undefined) throw missing()
    if (effect.op === 'comment') {
      const value = effect.value === '' ? null : effect.value
      if (Buffer.byteLength(effect.value, 'utf8') > 4_000) throw new RevmetaError('SQL_FAILED', 'ORA-01401: inserted value too large for column')
      if (effect.keyword === 'COLUMN') {
        if (!relation.columns.has(column!)) throw missing()
        relation.columns.set(column!, value)
      } else {
        if ((effect.keyword === 'MATERIALIZED VIEW') !== (relation.type === 'MVIEW')) throw missing()
        relation.comment = value
      }
      return
    }
    const expected = relation.type === 'MVIEW' ? 'MATERIALIZED VIEW' : relation.type
    if (effect.keyword !== expected) throw missing()
    if (effect.column !== undefined && !relation.columns.has(effect.column)) throw missing()
    const target = effect.column ?? columnKey
    let annotations = relation.annotations.get(target)
    if (annotations === undefined) relation.annotations.set(target, (annotations = new Map()))
    if (effect.action === 'drop') annotations.delete(effect.key)
    else if (annotations.has(effect.key)) throw new RevmetaError('SQL_FAILED', 'ORA-11552: annotation already exists')
    else annotations.set(effect.key, effect.value ?? '')
  }

  rows(schema: string): { tables: OracleRow[]; columns: OracleRow[]; mviews: OracleRow[]; annotations: OracleRow[] } {
    const out = { tables: [] as OracleRow[], columns: [] as OracleRow[], mviews: [] as OracleRow[], annotations: [] as OracleRow[] }
    for (const [k, relation] of this.relations) {
      const [owner, name] = JSON.parse(k) as string[]
      if (owner !== schema) continue
      out.tables.push({ TABLE_NAME: name, TABLE_TYPE: relation.type === 'VIEW' ? 'VIEW' : 'TABLE', COMMENTS: relation.type === 'MVIEW' ? null : relation.comment })
      if (relation.type === 'MVIEW') out.mviews.push({ MVIEW_NAME: name, COMMENTS: relation.comment })
      for (const [column, comment] of relation.columns) out.columns.push({ TABLE_NAME: name, COLUMN_NAME: column, COMMENTS: comment })
      for (const [target, annotations] of relation.annotations) {
        for (const [annotation, value] of annotations) out.annotations.push({ OBJECT_NAME: name, OBJECT_TYPE: relation.type, COLUMN_NAME: target === columnKey ? null : target, DOMAIN_NAME: null, ANNOTATION_NAME: annotation, ANNOTATION_VALUE: value })
      }
    }
    return out
  }

  client(context: ClientContext): ConnectorClient {
    return {
      sessionFacts: async (): Promise<SessionFacts> => ({ version: this.version }),
      execute: async (route: string, units: readonly (readonly Statement[])[]): Promise<UnitResult[]> =>
        units.map((unit) => {
          try {
            for (const statement of unit) {
              if (statement.kind !== 'sql' || statement.database !== route || statement.params !== undefined) throw new RevmetaError('INTERNAL', 'not a plain SQL statement for this database')
              this.run(statement.sql)
            }
            return { ok: true }
          } catch (error) {
            return { ok: false, error: error instanceof RevmetaError ? error : new RevmetaError('SQL_FAILED', String(error)) }
          }
        }),
      readBack: async (assets: readonly AssetRef[]) => {
        const snapshot = new Map<string, ObjectState>()
        // As the real client: the session's version, not the dialect made before it was known.
        const annotations = oracleHasAnnotations(this.version)
        for (const [database, schemas] of groupReadBackTargets(assets)) {
          for (const schema of schemas) {
            const names = (context.dialect as OracleDialect).names
            const { annotations: rows, ...rest } = this.rows(names.toOracle(schema))
            oracleSnapshot(snapshot, context.service, database, schema, annotations ? { ...rest, annotations: rows } : rest, names)
          }
        }
        return snapshot
      },
      close: async () => undefined,
    }
  }
}

function missing(): RevmetaError {
  return new RevmetaError('OBJECT_NOT_FOUND', 'ORA-00942: table or view does not exist')
}
