import { describe, expect, it } from 'vitest'
import { markdownToPlain } from '../../src/descriptions/markdown-to-plain.js'

const md = (lines: string[]): string => lines.join('\n')

describe('markdownToPlain', () => {
  it('leaves plain text alone', () => {
    expect(markdownToPlain('Orders placed by customers')).toBe('Orders placed by customers')
    expect(markdownToPlain('')).toBe('')
  })

  it('separates paragraphs with one blank line', () => {
    expect(markdownToPlain('First.\n\n\n\nSecond.')).toBe('First.\n\nSecond.')
  })

  it('turns soft line breaks into spaces and keeps hard breaks', () => {
    expect(markdownToPlain('one\ntwo')).toBe('one two')
    expect(markdownToPlain('one  \ntwo')).toBe('one\ntwo')
    expect(markdownToPlain('one\\\ntwo')).toBe('one\ntwo')
  })

  it('keeps heading text without markers', () => {
    expect(markdownToPlain('# Orders\n\nBody')).toBe('Orders\n\nBody')
    expect(markdownToPlain('Setext\n======\n\n### Small ###')).toBe('Setext\n\nSmall')
  })

  it('drops emphasis, strong, strikethrough and code span markers', () => {
    expect(markdownToPlain('*a* _b_ **c** __d__ ***e*** ~~f~~ `g`')).toBe('a b c d e f g')
    expect(markdownToPlain('`` a `tick` b ``')).toBe('a `tick` b')
  })

  it('keeps backslash-escaped characters literally', () => {
    expect(markdownToPlain('\\*not emphasis\\* 2 \\* 3')).toBe('*not emphasis* 2 * 3')
  })

  it('writes links as text (url), or the url alone', () => {
    expect(markdownToPlain('See [the docs](https://example.com/docs).')).toBe('See the docs (https://example.com/docs).')
    expect(markdownToPlain('[https://x.io](https://x.io)')).toBe('https://x.io')
    expect(markdownToPlain('<https://x.io/a?b=1&c=2>')).toBe('https://x.io/a?b=1&c=2')
    expect(markdownToPlain('Visit https://x.io now')).toBe('Visit https://x.io now')
    expect(markdownToPlain('[**bold** link](https://x.io "title")')).toBe('bold link (https://x.io)')
    expect(markdownToPlain('Mail <ops@example.com>')).toBe('Mail ops@example.com')
    expect(markdownToPlain('[ref link][r]\n\n[r]: https://r.io')).toBe('ref link (https://r.io)')
  })

  it('writes images as their alt text', () => {
    expect(markdownToPlain('Diagram: ![ER diagram](er.png "ER")')).toBe('Diagram: ER diagram')
  })

  it('writes lists with markers and nesting indentation', () => {
    expect(markdownToPlain(md(['* a', '* b', '  - b1', '  - b2', '    1. deep', '* c']))).toBe(
      md(['- a', '- b', '  - b1', '  - b2', '    1. deep', '- c']),
    )
    expect(markdownToPlain(md(['3. three', '4. four', '   * x']))).toBe(md(['3. three', '4. four', '   - x']))
    expect(markdownToPlain(md(['- [x] done', '- [ ] todo']))).toBe(md(['- [x] done', '- [ ] todo']))
  })

  it('keeps blank lines between the items of a loose list', () => {
    expect(markdownToPlain(md(['- one', '', '- two', '', '  more of two']))).toBe(md(['- one', '', '- two', '', '  more of two']))
  })

  it('writes blockquotes as their text', () => {
    expect(markdownToPlain(md(['> quoted **text**', '> goes on', '>', '> > nested']))).toBe(md(['quoted text goes on', '', 'nested']))
  })

  it('keeps code blocks verbatim', () => {
    const code = md(['```sql', 'SELECT *  -- all', '  FROM t WHERE a = \'*b*\' AND c < 1 & 2;', '', 'x', '```'])
    expect(markdownToPlain(`Before\n\n${code}\n\nAfter`)).toBe(md(['Before', '', 'SELECT *  -- all', "  FROM t WHERE a = '*b*' AND c < 1 & 2;", '', 'x', '', 'After']))
    expect(markdownToPlain('Text\n\n    indented **code**\n      more')).toBe('Text\n\nindented **code**\n  more')
  })

  it('keeps entities inside code literally, as Markdown does', () => {
    expect(markdownToPlain('`a &amp; b`')).toBe('a &amp; b')
  })

  it('writes tables as rows joined with " | "', () => {
    const table = md(['| Column | Meaning |', '|:--|--:|', '| `id` | **key** |', '| a \\| b | [x](https://x.io) |'])
    expect(markdownToPlain(table)).toBe(md(['Column | Meaning', 'id | key', 'a | b | x (https://x.io)']))
  })

  it('strips HTML tags and keeps their text', () => {
    expect(markdownToPlain('Hello <span class="x">world</span>!')).toBe('Hello world!')
    expect(markdownToPlain('line<br>next<br/>last')).toBe('line\nnext\nlast')
    expect(markdownToPlain('<div>\n<p>Block &amp; <b>bold</b></p>\n</div>\n\nAfter')).toBe('Block & bold\n\nAfter')
    expect(markdownToPlain('a <!-- hidden --> b')).toBe('a  b')
  })

  it('decodes entities', () => {
    expect(markdownToPlain('Fish &amp; chips &lt;3 &copy; &#169; &#x41; &quot;q&quot; &nbsp;x')).toBe('Fish & chips <3 © © A "q" \u00a0x')
    expect(markdownToPlain('&amp;lt; stays one level &unknown; &#38;amp;')).toBe('&lt; stays one level &unknown; &amp;')
  })

  it('drops thematic breaks and link definitions', () => {
    expect(markdownToPlain('above\n\n---\n\nbelow\n\n[d]: https://d.io')).toBe('above\n\nbelow')
  })

  it('trims trailing whitespace', () => {
    expect(markdownToPlain('text   \n\n\n')).toBe('text')
    expect(markdownToPlain('\n\n  para\n\n')).toBe('para')
  })

  it('handles a realistic OpenMetadata description', () => {
    const description = md([
      '## Orders',
      '',
      'One row per **order**. Owned by the _sales_ team; see [runbook](https://wiki/ops).',
      '',
      '- `id`: primary key',
      '- `status`: one of',
      '  1. `open`',
      '  2. `closed`',
      '',
      '> Deprecated columns are marked &mdash; do not use.',
    ])
    expect(markdownToPlain(description)).toBe(
      md([
        'Orders',
        '',
        'One row per order. Owned by the sales team; see runbook (https://wiki/ops).',
        '',
        '- id: primary key',
        '- status: one of',
        '  1. open',
        '  2. closed',
        '',
        'Deprecated columns are marked — do not use.',
      ]),
    )
  })
})
