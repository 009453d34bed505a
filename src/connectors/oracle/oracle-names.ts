/**
 * How OpenMetadata names Oracle objects. Its Oracle ingestion reads names through SQLAlchemy,
 * which lowers every name Oracle stores in upper case when the lowered name needs no quotes
 * (`ORDERS` → `orders`), and keeps any other name as it is (`Orders`, `"my table"`).
 * OpenMetadata's `preserveIdentifierCase` turns that off; revmeta's option of the same name
 * follows it. These two functions go both ways: catalog → Oracle for statements and binds,
 * Oracle → catalog for the names read back.
 */

// SQLAlchemy's Oracle dialect (RESERVED_WORDS): such names always need quotes, so they are never lowered.
const reserved = new Set(
  `share raw drop between from desc option prior long then default alter is into minus integer number grant identified all to order on float date having cluster nowait resource any table index for update where check smallint with delete by asc revoke like size rename nocompress null group values as in view exclusive compress synonym select insert exists not trigger else create intersect pctfree distinct user connect set mode of unique varchar2 varchar lock or char decimal union public and start uid comment current level`.split(' '),
)

/** A lower-case name SQLAlchemy would write without quotes: letters, digits, _ and $, not starting with a digit or $. */
function plainLower(name: string): boolean {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !reserved.has(name)
}

export interface OracleNames {
  /** The name Oracle stores for a catalog name. */
  toOracle(catalogName: string): string
  /** The name the catalog shows for a name Oracle stores. */
  toCatalog(oracleName: string): string
}

export function oracleNames(preserveIdentifierCase: boolean): OracleNames {
  if (preserveIdentifierCase) return { toOracle: (name) => name, toCatalog: (name) => name }
  return {
    toOracle: (name) => (plainLower(name) ? name.toUpperCase() : name),
    toCatalog: (name) => (name === name.toUpperCase() && plainLower(name.toLowerCase()) ? name.toLowerCase() : name),
  }
}
