/**
 * A MariaDB/MySQL table with one column per attribute a column rewrite could lose: sizes and
 * UNSIGNED ZEROFILL, character sets and collations, literal, expression and function defaults,
 * ON UPDATE, generated VIRTUAL and STORED columns, AUTO_INCREMENT, INVISIBLE, inline CHECKs,
 * COMPRESSED, and strings holding quotes, backslashes, newlines, parentheses and 'COMMENT'.
 */
export const typesTableSql = (table: string): string => `CREATE TABLE ${table} (
  id bigint(20) unsigned zerofill NOT NULL AUTO_INCREMENT PRIMARY KEY,
  ti tinyint(3) unsigned zerofill DEFAULT 7,
  si smallint NOT NULL DEFAULT -3,
  de decimal(12,4) unsigned DEFAULT 1.5,
  fl float(7,3) DEFAULT -0.002,
  dbl double NOT NULL DEFAULT 1e100,
  bt bit(5) DEFAULT b'101',
  ch char(3) CHARACTER SET latin1 COLLATE latin1_bin NOT NULL DEFAULT 'a''b',
  vc varchar(60) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci DEFAULT 'x''y\\\\z COMMENT (''q'') \\n',
  nq varchar(40) DEFAULT ' COMMENT ''x'' (',
  tx text COMMENT 'old ''comment''',
  bl blob,
  en enum('a''b','c\\\\d','COMMENT') NOT NULL DEFAULT 'COMMENT',
  st set('x','y','z') DEFAULT 'x,z',
  js json,
  d date DEFAULT '2024-02-29',
  dt6 datetime(6) DEFAULT '2024-01-01 00:00:00.123456',
  ts timestamp(3) NOT NULL DEFAULT current_timestamp(3) ON UPDATE current_timestamp(3),
  yr year DEFAULT 2024,
  gv int GENERATED ALWAYS AS (si * 2) VIRTUAL,
  gs varchar(200) AS (concat(en, ' COMMENT ''(x'' ', nq)) STORED,
  inv int INVISIBLE DEFAULT 3,
  ex double DEFAULT (rand() * 10),
  uu varchar(36) DEFAULT uuid(),
  chk int CHECK (chk > 0),
  chk2 varchar(5) CHECK (chk2 <> 'x)'),
  pt point,
  comp text COMPRESSED,
  \`we\`\`ird name\` int COMMENT 'w',
  \`comment\` int DEFAULT 1
) AUTO_INCREMENT=42`

/** The columns whose SHOW CREATE TABLE text holds a backslash-escaped literal (refused under NO_BACKSLASH_ESCAPES). */
export const backslashedColumns = ['vc', 'en', 'gs']

/** Removes every column COMMENT clause, so two CREATE TABLE texts can be compared apart from comments. */
export const withoutComments = (createTable: string): string => createTable.replace(/ COMMENT '(?:[^'\\]|''|\\.)*'/g, '')
