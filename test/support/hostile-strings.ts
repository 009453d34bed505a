/**
 * Values that break naive quoting, shared by the live round-trip tests. Each file spreads this
 * base and adds its own cases; keys double as column names, so they stay plain lowercase words.
 */
export const hostileBase: Readonly<Record<string, string>> = {
  quotes: `it's "quoted" '' '`,
  backslashes: `C:\\new\\table \\\\ \\' \\n \\`,
  dollars: '$$ body $$ $tag$ x $tag$ $1 $',
  newlines: 'line1\nline2\r\nline3\rend\n',
  tabs: 'a\tb\t\tc',
  injection: `'; DROP TABLE x; --`,
  big: "x'y\\z🦄 ".repeat(12_500),
}

/** Emoji with ZWJ, right-to-left scripts and combining marks in one value. */
export const mixedUnicode = '🦄 👩‍👩‍👧 שלום مرحبا e\u0301 Z\u0351\u0360'

/** Column definitions, one text column per key, for a table that holds the cases. */
export const textColumns = (cases: Readonly<Record<string, string>>): string => Object.keys(cases).map((k) => `"${k}" text`).join(', ')
