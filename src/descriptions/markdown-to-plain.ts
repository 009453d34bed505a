import { Lexer, type Token, type Tokens } from 'marked'

/**
 * OpenMetadata descriptions are Markdown; a database comment is read as plain text in SQL clients,
 * so markers go and the words stay. Markdown is parsed by marked (GFM), never by ad-hoc regexes.
 */
export function markdownToPlain(markdown: string): string {
  // Own options rather than marked's shared defaults, which a marked.use() elsewhere could change.
  const tokens = new Lexer({ gfm: true }).lex(markdown)
  return blocks(tokens, '\n\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim()
}

function blocks(tokens: readonly Token[], separator: string): string {
  return tokens
    .map(block)
    .filter((text) => text.length > 0)
    .join(separator)
}

function block(token: Token): string {
  const t = token as Tokens.Generic
  switch (token.type) {
    case 'space':
    case 'hr':
    case 'def':
      return ''
    case 'code':
      return (token as Tokens.Code).text
    case 'heading':
    case 'paragraph':
      return inline(t.tokens ?? [])
    case 'text':
      return t.tokens ? inline(t.tokens) : decodeEntities(collapseSoftBreaks(t.text ?? ''))
    case 'blockquote':
      return blocks((token as Tokens.Blockquote).tokens, '\n\n')
    case 'list':
      return list(token as Tokens.List)
    case 'table':
      return table(token as Tokens.Table)
    case 'html':
      return htmlToText((token as Tokens.HTML).text).trim()
    default:
      return t.tokens ? inline(t.tokens) : decodeEntities(t.text ?? '')
  }
}

function list(token: Tokens.List): string {
  const start = typeof token.start === 'number' ? token.start : 1
  return token.items
    .map((item, i) => {
      const marker = token.ordered ? `${start + i}. ` : '- '
      const checkbox = item.task ? (item.checked ? '[x] ' : '[ ] ') : ''
      const body = blocks(
        item.tokens.filter((t) => t.type !== 'checkbox'),
        token.loose ? '\n\n' : '\n',
      )
      // Continuation lines line up under the item's text, so nested lists read as nested.
      const indent = ' '.repeat(marker.length)
      return marker + checkbox + body.split('\n').join('\n' + indent)
    })
    .join(token.loose ? '\n\n' : '\n')
}

function table(token: Tokens.Table): string {
  const row = (cells: readonly Tokens.TableCell[]): string => cells.map((cell) => inline(cell.tokens)).join(' | ')
  return [row(token.header), ...token.rows.map(row)].join('\n')
}

function inline(tokens: readonly Token[]): string {
  return tokens.map(inlineToken).join('')
}

function inlineToken(token: Token): string {
  const t = token as Tokens.Generic
  switch (token.type) {
    case 'text':
      return t.tokens ? inline(t.tokens) : decodeEntities(collapseSoftBreaks(t.text ?? ''))
    case 'escape':
      return decodeEntities(t.text ?? '')
    case 'codespan':
      // Entities inside code are literal in Markdown.
      return (token as Tokens.Codespan).text
    case 'br':
      return '\n'
    case 'link': {
      const link = token as Tokens.Link
      const text = inline(link.tokens)
      const href = decodeEntities(link.href)
      if (text.length === 0 || text === href) return href
      // Autolinked e-mail addresses carry a mailto: the reader already sees the address.
      if (href === `mailto:${text}`) return text
      return `${text} (${href})`
    }
    case 'image':
      return decodeEntities((token as Tokens.Image).text)
    case 'html':
      return htmlToText(t.text ?? '')
    case 'checkbox':
      return ''
    default:
      return t.tokens ? inline(t.tokens) : decodeEntities(t.text ?? '')
  }
}

/** A soft line break renders as a space; hard breaks arrive as their own `br` tokens. */
const collapseSoftBreaks = (text: string): string => text.replace(/[ \t]*\n[ \t]*/g, ' ')

/**
 * Raw HTML inside Markdown: comments and tags go, text stays; line-breaking tags become newlines
 * so `a<br>b` does not turn into `ab`.
 */
function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<!--[\s\S]*?(?:-->|$)/g, '')
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(?:p|div|li|tr|h[1-6]|blockquote|pre|table|ul|ol)\s*>/gi, '\n')
      .replace(/<\/?[a-zA-Z][^>]*>/g, ''),
  ).replace(/\n{3,}/g, '\n\n')
}

const namedEntities: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«',
  raquo: '»', bull: '•', middot: '·', deg: '°', plusmn: '±', times: '×', divide: '÷', euro: '€',
  pound: '£', yen: '¥', cent: '¢', sect: '§', para: '¶', larr: '←', rarr: '→', uarr: '↑', darr: '↓',
  le: '≤', ge: '≥', ne: '≠', shy: '\u00ad', zwj: '\u200d', zwnj: '\u200c', ensp: '\u2002', emsp: '\u2003',
}

/** One pass, so `&amp;lt;` becomes `&lt;`, not `<`. Unknown names stay as written. */
function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g, (entity, body: string) => {
    if (body.startsWith('#')) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10)
      // As HTML does: NUL, surrogates and out-of-range code points become U+FFFD.
      if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd'
      return String.fromCodePoint(code)
    }
    return namedEntities[body] ?? entity
  })
}
