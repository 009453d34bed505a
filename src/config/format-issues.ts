import type { z } from 'zod'

/** `services[0].connection.port: expected number, received string` — one line per issue, naming the key. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string[] {
  return issues.map((issue) => {
    let path = prefix
    for (const part of issue.path) {
      if (typeof part === 'number') path += `[${part}]`
      else path += path ? `.${String(part)}` : String(part)
    }
    const keys = issue.code === 'unrecognized_keys' ? ` (${issue.keys.join(', ')})` : ''
    return `${path || '(root)'}: ${issue.message}${keys}`
  })
}
