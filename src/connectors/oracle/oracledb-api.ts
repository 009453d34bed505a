/**
 * The part of oracledb (which ships no type declarations) that revmeta uses, as its
 * documentation describes it.
 */
export interface OracleConnectionApi {
  readonly oracleServerVersionString: string
  callTimeout: number
  execute<R>(sql: string, binds?: Record<string, unknown>, options?: { outFormat?: number }): Promise<{ rows?: R[] }>
  close(): Promise<void>
}

export interface OracleDbApi {
  readonly OUT_FORMAT_OBJECT: number
  getConnection(attributes: Record<string, unknown>): Promise<OracleConnectionApi>
}
