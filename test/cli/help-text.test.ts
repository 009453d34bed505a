import { describe, expect, it } from 'vitest'
import { revmeta } from '../support/run-cli.js'

/**
 * Every help text and usage error of the built CLI, as a user sees them, against a snapshot taken
 * before the commands became lazily loaded: options, aliases, defaults, choices and wording must
 * not move when the code behind them does. Needs `npm run build` first.
 */
const invocations: readonly (readonly string[])[] = [
  ['--help'],
  ['-h'],
  [],
  ['help', 'apply'],
  ...['plan', 'apply', 'demo', 'worker', 'runs', 'replay', 'rollback', 'serve', 'start', 'sync', 'ingest', 'token', 'check', 'store'].map((c) => [c, '--help']),
  ['token', 'create', '--help'],
  ['token', 'list', '--help'],
  ['token', 'revoke', '--help'],
  ['help', 'token', 'revoke'],
  ['store', 'upgrade', '--help'],
  // Usage errors commander finds before any action runs: they print the help after the error.
  ['apply'],
  ['nosuch'],
  ['rollback', '--config', 'x.yaml'],
  ['token', 'create', '--config', 'x.yaml', '--role', 'root'],
  ['serve', '--config', 'x.yaml', '--log-level', 'loud'],
  ['apply', '--config', 'x.yaml', '--bogus'],
]

/** The command names listed under "Commands:" of a help text. */
function commandsOf(help: string): string[] {
  const section = help.split('\nCommands:\n')[1] ?? ''
  return [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!).filter((name) => name !== 'help')
}

describe('help texts', () => {
  it('every help and usage error prints what the snapshot holds, with the same exit code', async () => {
    const transcript: string[] = []
    for (const args of invocations) {
      const { code, stdout, stderr } = await revmeta(...args)
      transcript.push(`$ revmeta ${args.join(' ')}\n[exit ${code}]\n--- stdout\n${stdout}--- stderr\n${stderr}`)
    }
    await expect(transcript.join('\n')).toMatchFileSnapshot('./__snapshots__/help-text.txt')
  })

  it('the snapshot covers every command and subcommand the help lists', async () => {
    const top = commandsOf((await revmeta('--help')).stdout)
    const token = commandsOf((await revmeta('token', '--help')).stdout).map((c) => `token ${c}`)
    expect(top.length).toBeGreaterThan(10)
    const covered = new Set(invocations.filter((a) => a.at(-1) === '--help').map((a) => a.slice(0, -1).join(' ')))
    expect([...top, ...token].filter((c) => !covered.has(c))).toEqual([])
  })
})
