import { errorCodes } from './codes.js'

/** docs/errors.md, rendered from the catalogue so the two cannot drift apart (a test compares them). */
export function renderErrorsDoc(): string {
  const rows = Object.entries(errorCodes).map(
    ([code, info]) => `| \`${code}\` | ${info.retryable ? 'yes' : 'no'} | ${info.summary} | ${info.fix} |`,
  )
  return [
    '# Error codes',
    '',
    'Every error revmeta reports carries one of these codes, in `--json` output as `error.code`, and on',
    'standard error as `revmeta: CODE: message`. *Retryable* errors may succeed when tried again with',
    'nothing changed; the executor retries them with capped exponential backoff and jitter.',
    '',
    'This file is generated from `src/errors/codes.ts` by `npm run docs:errors`.',
    '',
    '| code | retryable | what happened | what to do |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n')
}
