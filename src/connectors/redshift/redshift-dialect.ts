import { PostgresDialect } from '../postgres/postgres-dialect.js'
import type { ObjectTarget } from '../connector.js'

/**
 * Redshift speaks PostgreSQL 8.0's SQL with its own differences; only those are overridden here.
 *
 * Choices where the Redshift documentation is silent or thin:
 * - Materialized views take `COMMENT ON VIEW` (the COMMENT grammar lists no MATERIALIZED VIEW;
 *   jOOQ renders it so, and dbt-redshift#837 reports COMMENT ON MATERIALIZED VIEW failing).
 * - Views and materialized views change owner through `ALTER TABLE ... OWNER TO`, the form the
 *   documentation gives for views; Redshift's ALTER MATERIALIZED VIEW has no OWNER clause.
 * - External (Spectrum) tables cannot take comments or owners: reported UNSUPPORTED, never sent.
 * - Quoted names are still folded to lower case unless enable_case_sensitive_identifier is on;
 *   names arrive here exactly as read back, so quoting them is still right.
 */
export class RedshiftDialect extends PostgresDialect {
  override readonly name: string = 'redshift'

  protected override get maxIdentifierBytes(): number {
    return 127
  }

  /** Redshift has no lock_timeout; statement_timeout is the only bound, and it covers lock waits. */
  protected override get timeoutSetting(): string {
    return 'statement_timeout'
  }

  /** Backslash is always an escape in Redshift literals, and E'...' does not exist there. */
  protected override escapeLiteral(value: string): string {
    return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
  }

  protected override commentKeyword(target: ObjectTarget): string {
    if (target.objectType === 'foreign_table') throw this.unsupported(target, 'External tables cannot take a comment')
    const keyword = super.commentKeyword(target)
    return keyword === 'MATERIALIZED VIEW' ? 'VIEW' : keyword
  }

  protected override ownerKeyword(target: ObjectTarget): string {
    if (target.objectType === 'foreign_table') throw this.unsupported(target, 'External tables cannot change owner')
    const keyword = super.ownerKeyword(target)
    return keyword === 'VIEW' || keyword === 'MATERIALIZED VIEW' ? 'TABLE' : keyword
  }
}
