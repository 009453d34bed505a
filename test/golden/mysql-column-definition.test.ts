import { describe, expect, it } from 'vitest'
import { rewriteColumnComment } from '../../src/connectors/mysql/mysql-column-definition.js'
import { columnDefinitions } from '../../src/connectors/mysql/mysql-create-table.js'
import { lexRulesFor } from '../../src/connectors/mysql/mysql-tokens.js'
import { codeOf } from '../support/results.js'

const plain = lexRulesFor('STRICT_TRANS_TABLES')
const nbe = lexRulesFor('NO_BACKSLASH_ESCAPES')
const ansi = lexRulesFor('ANSI_QUOTES')
const lit = "'new'"

/** [case, column, definition as SHOW CREATE TABLE prints it, expected rewrite]; `^` marks where COMMENT goes or what it replaces. */
const rewrites: [string, string, string, string][] = [
  ['plain int', 'id', '`id` int(11) NOT NULL AUTO_INCREMENT', "`id` int(11) NOT NULL AUTO_INCREMENT COMMENT 'new'"],
  ['unsigned zerofill', 'id', '`id` bigint(20) unsigned zerofill NOT NULL AUTO_INCREMENT', "`id` bigint(20) unsigned zerofill NOT NULL AUTO_INCREMENT COMMENT 'new'"],
  ['decimal with old comment', 'd', "`d` decimal(10,2) DEFAULT 1.50 COMMENT 'old'", "`d` decimal(10,2) DEFAULT 1.50 COMMENT 'new'"],
  ['negative float default', 'f', '`f` float(7,3) DEFAULT -0.002', "`f` float(7,3) DEFAULT -0.002 COMMENT 'new'"],
  ['double with exponent', 'x', '`x` double DEFAULT 1.5e-10', "`x` double DEFAULT 1.5e-10 COMMENT 'new'"],
  ['bit literal', 'bt', "`bt` bit(5) DEFAULT b'101'", "`bt` bit(5) DEFAULT b'101' COMMENT 'new'"],
  [
    'enum with quotes, backslashes and COMMENT values',
    'e',
    "`e` enum('a''b','c\\\\d','COMMENT') CHARACTER SET latin1 COLLATE latin1_bin NOT NULL DEFAULT 'COMMENT'",
    "`e` enum('a''b','c\\\\d','COMMENT') CHARACTER SET latin1 COLLATE latin1_bin NOT NULL DEFAULT 'COMMENT' COMMENT 'new'",
  ],
  ['set', 's', "`s` set('x','y') DEFAULT 'x,y'", "`s` set('x','y') DEFAULT 'x,y' COMMENT 'new'"],
  ['MySQL json', 'j', '`j` json DEFAULT NULL', "`j` json DEFAULT NULL COMMENT 'new'"],
  [
    'MariaDB json: COMMENT before its CHECK',
    'j',
    '`j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`))',
    "`j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL COMMENT 'new' CHECK (json_valid(`j`))",
  ],
  ['CHECK with a string holding )', 'b', "`b` varchar(5) DEFAULT NULL CHECK (`b` < 'x)')", "`b` varchar(5) DEFAULT NULL COMMENT 'new' CHECK (`b` < 'x)')"],
  ['COMMENT already before CHECK', 'a', "`a` int(11) DEFAULT NULL COMMENT 'x' CHECK (`a` > 0)", "`a` int(11) DEFAULT NULL COMMENT 'new' CHECK (`a` > 0)"],
  [
    'timestamp on update (MariaDB)',
    'ts',
    '`ts` timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6)',
    "`ts` timestamp(6) NOT NULL DEFAULT current_timestamp(6) ON UPDATE current_timestamp(6) COMMENT 'new'",
  ],
  [
    'timestamp on update (MySQL) with a tricky comment',
    'ts',
    "`ts` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP COMMENT 'a (b '' COMMENT'",
    "`ts` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP COMMENT 'new'",
  ],
  ['datetime(6)', 'dt', '`dt` datetime(6) DEFAULT NULL', "`dt` datetime(6) DEFAULT NULL COMMENT 'new'"],
  ['year', 'y', '`y` year(4) DEFAULT 2024', "`y` year(4) DEFAULT 2024 COMMENT 'new'"],
  ['virtual generated', 'g', '`g` int(11) GENERATED ALWAYS AS (`a` + 1) VIRTUAL', "`g` int(11) GENERATED ALWAYS AS (`a` + 1) VIRTUAL COMMENT 'new'"],
  [
    'stored generated with a COMMENT-like string (MariaDB prints \\\')',
    'gs',
    "`gs` varchar(50) GENERATED ALWAYS AS (concat(`e`,' COMMENT \\'(x\\' ')) STORED",
    "`gs` varchar(50) GENERATED ALWAYS AS (concat(`e`,' COMMENT \\'(x\\' ')) STORED COMMENT 'new'",
  ],
  ['MySQL invisible (versioned comment)', 'inv', '`inv` int DEFAULT NULL /*!80023 INVISIBLE */', "`inv` int DEFAULT NULL /*!80023 INVISIBLE */ COMMENT 'new'"],
  ['MariaDB invisible', 'inv', '`inv` int(11) INVISIBLE DEFAULT 3', "`inv` int(11) INVISIBLE DEFAULT 3 COMMENT 'new'"],
  ['expression default', 'ex', '`ex` double DEFAULT (rand() * 10)', "`ex` double DEFAULT (rand() * 10) COMMENT 'new'"],
  ['MariaDB function default', 'u', '`u` varchar(36) DEFAULT uuid()', "`u` varchar(36) DEFAULT uuid() COMMENT 'new'"],
  ['MySQL expression default with introducer', 't', "`t` varchar(10) DEFAULT (_utf8mb4'a(b')", "`t` varchar(10) DEFAULT (_utf8mb4'a(b') COMMENT 'new'"],
  ['SRID', 'pt', '`pt` point NOT NULL /*!80003 SRID 4326 */', "`pt` point NOT NULL /*!80003 SRID 4326 */ COMMENT 'new'"],
  ['MariaDB compressed', 'comp', '`comp` text /*M!100301 COMPRESSED*/ DEFAULT NULL', "`comp` text /*M!100301 COMPRESSED*/ DEFAULT NULL COMMENT 'new'"],
  ['column format and storage', 'cf', '`cf` int DEFAULT NULL /*!50606 COLUMN_FORMAT DYNAMIC */ /*!50606 STORAGE DISK */', "`cf` int DEFAULT NULL /*!50606 COLUMN_FORMAT DYNAMIC */ /*!50606 STORAGE DISK */ COMMENT 'new'"],
  ['charset, collation, empty comment', 'c', "`c` char(3) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL DEFAULT 'abc' COMMENT ''", "`c` char(3) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL DEFAULT 'abc' COMMENT 'new'"],
  [
    'default string holding a COMMENT clause, real comment after it',
    'c',
    "`c` varchar(20) DEFAULT 'x''y\\\\z COMMENT (' COMMENT 'hi\\nthere'",
    "`c` varchar(20) DEFAULT 'x''y\\\\z COMMENT (' COMMENT 'new'",
  ],
  ['default string holding a COMMENT clause, no comment', 'c', "`c` varchar(30) DEFAULT ' COMMENT ''x'' '", "`c` varchar(30) DEFAULT ' COMMENT ''x'' ' COMMENT 'new'"],
  ['comment with quotes and backslashes', 'a', "`a` int(11) DEFAULT NULL COMMENT 'it''s \\\\ here'", "`a` int(11) DEFAULT NULL COMMENT 'new'"],
  ['system-versioning row start', 'row_start', '`row_start` timestamp(6) GENERATED ALWAYS AS ROW START INVISIBLE', "`row_start` timestamp(6) GENERATED ALWAYS AS ROW START INVISIBLE COMMENT 'new'"],
  ['lower-case keyword', 'a', "`a` int comment 'x'", "`a` int comment 'new'"],
  ['a column named comment', 'comment', '`comment` int(11) DEFAULT NULL', "`comment` int(11) DEFAULT NULL COMMENT 'new'"],
  ['generated from a column named comment', 'g', '`g` int GENERATED ALWAYS AS (`comment` + 1) VIRTUAL', "`g` int GENERATED ALWAYS AS (`comment` + 1) VIRTUAL COMMENT 'new'"],
  ['name with a backtick', 'we`ird', '`we``ird` int', "`we``ird` int COMMENT 'new'"],
  ['name in another case', 'ID', '`id` int', "`id` int COMMENT 'new'"],
  ['unicode name and default', 'naïve', "`naïve` varchar(5) DEFAULT '🦄'", "`naïve` varchar(5) DEFAULT '🦄' COMMENT 'new'"],
  ['trailing whitespace kept', 'a', '`a` int  \n', "`a` int COMMENT 'new'  \n"],
]

describe('rewriteColumnComment', () => {
  for (const [name, column, definition, expected] of rewrites) {
    it(`rewrites ${name}`, () => {
      expect(rewriteColumnComment(definition, column, lit, plain)).toBe(expected)
    })
  }

  it('reads "name" as an identifier under ANSI_QUOTES only', () => {
    expect(rewriteColumnComment('"my col" int(11) DEFAULT NULL', 'my col', lit, ansi)).toBe(`"my col" int(11) DEFAULT NULL COMMENT 'new'`)
    expect(rewriteColumnComment('"a""b" int GENERATED ALWAYS AS ("x" + 1) VIRTUAL', 'a"b', lit, ansi)).toBe(`"a""b" int GENERATED ALWAYS AS ("x" + 1) VIRTUAL COMMENT 'new'`)
    expect(codeOf(() => rewriteColumnComment('"a" int', 'a', lit, plain))).toBe('UNSUPPORTED')
  })

  it('under NO_BACKSLASH_ESCAPES keeps backslash-free definitions and replaces even a backslashed comment', () => {
    expect(rewriteColumnComment("`e` enum('a''b','c') DEFAULT 'a''b' COMMENT 'x\\\\y'", 'e', "'a\\b'", nbe)).toBe("`e` enum('a''b','c') DEFAULT 'a''b' COMMENT 'a\\b'")
    expect(rewriteColumnComment("`c` varchar(20) COMMENT 'hi\\nthere'", 'c', lit, nbe)).toBe("`c` varchar(20) COMMENT 'new'")
  })

  const refusals: [string, string, string, LexRulesName?][] = [
    ['an unterminated string', 'a', "`a` int DEFAULT 'open"],
    ['an unterminated name', 'a', '`a int'],
    ['an unclosed parenthesis', 'a', '`a` int DEFAULT (1'],
    ['a stray )', 'a', '`a` int)'],
    ['a stray backslash', 'a', '`a` int DEFAULT \\N'],
    ['U+FFFD from undecodable bytes', 'a', "`a` binary(2) DEFAULT '\uFFFD'"],
    ['another column', 'a', '`b` int'],
    ['no data type', 'a', '`a`'],
    ['an unquoted name', 'a', 'a int'],
    ['two columns', 'a', '`a` int, `b` int'],
    ['a second statement', 'a', '`a` int; DROP TABLE x'],
    ['a -- comment', 'a', '`a` int -- note'],
    ['a # comment', 'a', '`a` int # note'],
    ['an old storage-format marker', 'a', '`a` datetime /* mariadb-5.3 */ DEFAULT NULL'],
    ['an unclosed comment', 'a', '`a` int /* x'],
    ['a versioned comment with a string', 'a', "`a` int /*!80023 COMMENT 'x' */"],
    ['a versioned comment with COMMENT', 'a', '`a` int /*!80023 COMMENT */'],
    ['two COMMENT clauses', 'a', "`a` int COMMENT 'x' COMMENT 'y'"],
    ['COMMENT without a string', 'a', '`a` int COMMENT'],
    ['COMMENT with a word', 'a', '`a` int COMMENT x'],
    ['COMMENT with concatenated strings', 'a', "`a` int COMMENT 'x' 'y'"],
    ['COMMENT with a double-quoted string', 'a', '`a` int COMMENT "x"'],
    ['an inline REFERENCES', 'a', '`a` int REFERENCES `t` (`id`)'],
    ['a non-BMP character in an unquoted word', 'a', '`a` int DEFAULT 🦄'],
    ['a backslash in a default under NO_BACKSLASH_ESCAPES', 'a', "`a` varchar(5) DEFAULT 'a\\\\b'", 'nbe'],
    ['a \\\' in a generated column under NO_BACKSLASH_ESCAPES', 'gs', "`gs` varchar(50) GENERATED ALWAYS AS (concat(`e`,' COMMENT \\'(x\\' ')) STORED", 'nbe'],
    ['a backslash in an enum under NO_BACKSLASH_ESCAPES', 'e', "`e` enum('c\\\\d') DEFAULT NULL", 'nbe'],
  ]
  for (const [name, column, definition, rules] of refusals) {
    it(`refuses ${name}`, () => {
      expect(codeOf(() => rewriteColumnComment(definition, column, lit, rules === 'nbe' ? nbe : plain))).toBe('UNSUPPORTED')
    })
  }

  it('says why it refuses and shows the definition', () => {
    expect(() => rewriteColumnComment('`a` datetime /* mariadb-5.3 */', 'a', lit, plain)).toThrow(/lossless.*mariadb-5\.3/)
    expect(() => rewriteColumnComment("`a` varchar(5) DEFAULT 'a\\\\b'", 'a', lit, nbe)).toThrow(/NO_BACKSLASH_ESCAPES/)
  })
})

type LexRulesName = 'nbe'

describe('columnDefinitions (SHOW CREATE TABLE)', () => {
  it('splits a MySQL 8 table into its column definitions, skipping keys and constraints', () => {
    const text = [
      'CREATE TABLE `t` (',
      '  `id` int NOT NULL AUTO_INCREMENT,',
      "  `c` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci DEFAULT 'a,b' COMMENT 'x, (y\\nz',",
      '  `inv` int DEFAULT NULL /*!80023 INVISIBLE */,',
      '  `g` int GENERATED ALWAYS AS ((`id` * 2)) STORED,',
      '  PRIMARY KEY (`id`),',
      '  KEY `k` (`c`(5)),',
      '  CONSTRAINT `t_chk_1` CHECK ((`id` > 0))',
      ") ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci COMMENT='table, (comment'",
      '/*!50100 PARTITION BY HASH (`id`) PARTITIONS 2 */',
    ].join('\n')
    expect(Object.fromEntries(columnDefinitions(text, false))).toEqual({
      id: '`id` int NOT NULL AUTO_INCREMENT',
      c: "`c` varchar(10) CHARACTER SET utf8mb4 COLLATE utf8mb4_0900_ai_ci DEFAULT 'a,b' COMMENT 'x, (y\\nz'",
      inv: '`inv` int DEFAULT NULL /*!80023 INVISIBLE */',
      g: '`g` int GENERATED ALWAYS AS ((`id` * 2)) STORED',
    })
  })

  it('splits a MariaDB table, with \\\' in a generated column and a period', () => {
    const text = [
      'CREATE TABLE `v` (',
      "  `gs` varchar(50) GENERATED ALWAYS AS (concat(`x`,' COMMENT \\'(x\\', ')) STORED,",
      '  `we``ird` int(11) DEFAULT NULL CHECK (`we``ird` > 0),',
      '  `row_start` timestamp(6) GENERATED ALWAYS AS ROW START INVISIBLE,',
      '  `row_end` timestamp(6) GENERATED ALWAYS AS ROW END INVISIBLE,',
      '  PERIOD FOR SYSTEM_TIME (`row_start`, `row_end`)',
      ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci WITH SYSTEM VERSIONING',
    ].join('\n')
    expect([...columnDefinitions(text, false).keys()]).toEqual(['gs', 'we`ird', 'row_start', 'row_end'])
    expect(columnDefinitions(text, false).get('gs')).toBe("`gs` varchar(50) GENERATED ALWAYS AS (concat(`x`,' COMMENT \\'(x\\', ')) STORED")
  })

  it('reads ANSI_QUOTES names', () => {
    const text = 'CREATE TABLE "t" (\n  "a b" int(11) DEFAULT NULL,\n  "c" text\n)'
    expect(Object.fromEntries(columnDefinitions(text, true))).toEqual({ 'a b': '"a b" int(11) DEFAULT NULL', c: '"c" text' })
  })

  it('yields nothing for text it cannot read', () => {
    expect(columnDefinitions("CREATE TABLE `t` (\n  `a` int DEFAULT 'open\n)", false).size).toBe(0)
    expect(columnDefinitions('CREATE VIEW `v` AS select 1', false).size).toBe(0)
  })
})
