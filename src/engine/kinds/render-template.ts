import type { Dialect, Statement } from '../../connectors/connector.js'
import type { AssetRef } from '../../model/asset.js'
import { sqlStatement } from '../../model/statement.js'
import { pyStr, pyTuple, type CompiledTemplate, type TemplateValue } from '../../templates/index.js'
import type { EngineTag } from '../../tags/map-tag.js'

/** `{tags}` renders as Python's repr of a list of (key, value) tuples, as in OpenMetadata. */
export function tagTuples(tags: readonly EngineTag[]): TemplateValue {
  return tags.map((t) => pyTuple(t.key, t.value))
}

/**
 * One custom statement. Names arrive raw, `description` already quoted; literal() and ident()
 * quote anything else for the target engine, so user SQL never pastes unescaped text.
 * OpenMetadata documents `database`, `schema`, `table` and `column` as available "Always", of type
 * str: a part the asset's level lacks (the column of a table) is the empty string, never missing.
 */
export function renderTemplate(template: CompiledTemplate, asset: AssetRef, dialect: Dialect, values: Readonly<Record<string, TemplateValue | undefined>>): Statement {
  const sql = template.render({
    variables: { database: asset.database, schema: asset.schema ?? '', table: asset.table ?? '', column: asset.column ?? '', tags: [], ...values },
    functions: {
      literal: (value) => dialect.quoteLiteral(pyStr(value)),
      ident: (value) => dialect.quoteIdentifier(pyStr(value)),
    },
  })
  return sqlStatement(asset.database, sql)
}
