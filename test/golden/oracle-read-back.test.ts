import { describe, expect, it } from 'vitest'
import type { ObjectState } from '../../src/connectors/connector.js'
import { oracleNames } from '../../src/connectors/oracle/oracle-names.js'
import { oracleReadBackSql, oracleSnapshot } from '../../src/connectors/oracle/oracle-read-back.js'

describe('oracle read-back SQL, pinned: one query per view and schema, the schema bound as :owner', () => {
  it('is exactly', () => {
    expect(oracleReadBackSql).toEqual({
      tables: 'SELECT TABLE_NAME, TABLE_TYPE, COMMENTS FROM ALL_TAB_COMMENTS WHERE OWNER = :owner',
      columns: 'SELECT TABLE_NAME, COLUMN_NAME, COMMENTS FROM ALL_COL_COMMENTS WHERE OWNER = :owner',
      mviews: 'SELECT MVIEW_NAME, COMMENTS FROM ALL_MVIEW_COMMENTS WHERE OWNER = :owner',
      annotations: 'SELECT OBJECT_NAME, OBJECT_TYPE, COLUMN_NAME, DOMAIN_NAME, ANNOTATION_NAME, ANNOTATION_VALUE FROM ALL_ANNOTATIONS_USAGE WHERE ANNOTATION_OWNER = :owner',
    })
  })
})

/** Rows as oracledb returns them with OUT_FORMAT_OBJECT (upper-case keys, NULL comments). */
const recorded = {
  tables: [
    { TABLE_NAME: 'ORDERS', TABLE_TYPE: 'TABLE', COMMENTS: "it's & odd" },
    { TABLE_NAME: 'V_ORDERS', TABLE_TYPE: 'VIEW', COMMENTS: null },
    // A materialized view's container table: its comment is in ALL_MVIEW_COMMENTS.
    { TABLE_NAME: 'MV_DAILY', TABLE_TYPE: 'TABLE', COMMENTS: 'container (not the mview comment)' },
    { TABLE_NAME: 'lower.case', TABLE_TYPE: 'TABLE', COMMENTS: null },
  ],
  columns: [
    { TABLE_NAME: 'ORDERS', COLUMN_NAME: 'EMAIL', COMMENTS: 'E-mail 🦄' },
    { TABLE_NAME: 'V_ORDERS', COLUMN_NAME: 'EMAIL', COMMENTS: null },
    { TABLE_NAME: 'MV_DAILY', COLUMN_NAME: 'DAY', COMMENTS: null },
  ],
  mviews: [{ MVIEW_NAME: 'MV_DAILY', COMMENTS: 'Daily' }],
  annotations: [
    { OBJECT_NAME: 'ORDERS', OBJECT_TYPE: 'TABLE', COLUMN_NAME: null, DOMAIN_NAME: null, ANNOTATION_NAME: 'PII', ANNOTATION_VALUE: 'Sensitive' },
    { OBJECT_NAME: 'ORDERS', OBJECT_TYPE: 'TABLE', COLUMN_NAME: 'EMAIL', DOMAIN_NAME: null, ANNOTATION_NAME: 'PII', ANNOTATION_VALUE: 'Email' },
    { OBJECT_NAME: 'ORDERS', OBJECT_TYPE: 'TABLE', COLUMN_NAME: 'EMAIL', DOMAIN_NAME: 'EMAIL_D', ANNOTATION_NAME: 'Display', ANNOTATION_VALUE: null },
  ],
}

describe('oracle read-back rows → states', () => {
  it('comments, materialized views from their own view, annotations (domain ones inherited), relation types on columns', () => {
    const snapshot = new Map<string, ObjectState>()
    oracleSnapshot(snapshot, 'ora', 'FREEPDB1', 'sales', recorded)
    expect(Object.fromEntries(snapshot)).toEqual({
      'ora.FREEPDB1.sales.orders': { objectType: 'table', description: "it's & odd", tags: [{ key: 'PII', value: 'Sensitive' }] },
      'ora.FREEPDB1.sales.v_orders': { objectType: 'view', description: null, tags: [] },
      'ora.FREEPDB1.sales.mv_daily': { objectType: 'materialized_view', description: 'Daily', tags: [] },
      'ora.FREEPDB1.sales."lower.case"': { objectType: 'table', description: null, tags: [] },
      'ora.FREEPDB1.sales.orders.email': { objectType: 'column', description: 'E-mail 🦄', definition: 'table', tags: [{ key: 'PII', value: 'Email' }, { key: 'Display', value: '', inherited: true }] },
      'ora.FREEPDB1.sales.v_orders.email': { objectType: 'column', description: null, definition: 'view', tags: [] },
      'ora.FREEPDB1.sales.mv_daily.day': { objectType: 'column', description: null, definition: 'materialized_view', tags: [] },
    })
  })

  it('without annotations (older servers) states carry no tags at all, not an empty list', () => {
    const snapshot = new Map<string, ObjectState>()
    oracleSnapshot(snapshot, 'ora', 'FREEPDB1', 'sales', { tables: recorded.tables, columns: recorded.columns, mviews: recorded.mviews })
    expect(snapshot.get('ora.FREEPDB1.sales.orders')).toEqual({ objectType: 'table', description: "it's & odd" })
  })

  it('with preserveIdentifierCase the names are keyed exactly as Oracle stores them', () => {
    const snapshot = new Map<string, ObjectState>()
    oracleSnapshot(snapshot, 'ora', 'FREEPDB1', 'SALES', recorded, oracleNames(true))
    expect(snapshot.get('ora.FREEPDB1.SALES.ORDERS.EMAIL')?.description).toBe('E-mail 🦄')
    expect(snapshot.has('ora.FREEPDB1.SALES.orders')).toBe(false)
  })
})
