import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { median, now } from './support.js'

/**
 * How long `revmeta --help` and `revmeta runs --help` take as a user runs them: the built CLI, one
 * new process each, from start to exit. Node's own start-up (`node -e 0`) is timed beside them,
 * interleaved round by round, as the floor no CLI of ours goes under. Issue 17 sets 300 ms.
 */
export const cliStartTargetMs = 300
const bin = fileURLToPath(new URL('../bin/revmeta.js', import.meta.url))

export interface StartVariant {
  readonly name: string
  readonly args: readonly string[]
}

export const cliStartVariants: readonly StartVariant[] = [
  { name: 'node -e 0 (Node start-up alone, for reference)', args: ['-e', '0'] },
  { name: 'revmeta --help', args: [bin, '--help'] },
  { name: 'revmeta runs --help', args: [bin, 'runs', '--help'] },
]

export interface CliStartResult {
  readonly rounds: number
  readonly variants: readonly StartVariant[]
  /** What the store of the `runs` variants held, when there are any. */
  readonly storeNote?: string
  /** Per variant name: every round's time in ms, and their median. */
  readonly times: ReadonlyMap<string, { readonly runs: readonly number[]; readonly median: number }>
}

async function timeProcess(args: readonly string[]): Promise<number> {
  const started = now()
  await promisify(execFile)(process.execPath, [...args])
  return now() - started
}

/** `revmeta runs` on a store: a command that opens the store and reads it, as users run it. */
export const runsVariant = (config: string): StartVariant => ({ name: 'revmeta runs', args: [bin, 'runs', '-c', config] })
/** The same on an empty store (made by the warm-up round): what opening the store costs, apart from its size. */
export const emptyRunsVariant = (config: string): StartVariant => ({ name: 'revmeta runs (empty store)', args: [bin, 'runs', '-c', config] })

/** One warm-up round (the file system cache), then `rounds` timed rounds, variants interleaved. */
export async function benchCliStart(log: (line: string) => void, rounds = 7, extra: readonly StartVariant[] = [], storeNote?: string): Promise<CliStartResult> {
  const variants = [...cliStartVariants, ...extra]
  for (const v of variants) await timeProcess(v.args)
  const runs = new Map(variants.map((v) => [v.name, [] as number[]]))
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) runs.get(v.name)!.push(await timeProcess(v.args))
  }
  const times = new Map([...runs].map(([name, list]) => [name, { runs: list, median: median(list) }]))
  for (const [name, t] of times) log(`  ${name}: median ${t.median.toFixed(0)} ms (${t.runs.map((ms) => ms.toFixed(0)).join(', ')})`)
  return { rounds, variants, times, ...(storeNote ? { storeNote } : {}) }
}

/** The section of docs/benchmarks.md. */
export function cliStartSection(r: CliStartResult): string {
  const node = r.times.get(cliStartVariants[0]!.name)!.median
  const rows = r.variants.map((v, i) => {
    const t = r.times.get(v.name)!
    const above = i === 0 ? '—' : `${(t.median - node).toFixed(0)} ms`
    const target = i === 0 ? '—' : `≤ ${cliStartTargetMs} ms: **${t.median <= cliStartTargetMs ? 'yes' : 'no'}**`
    return `| ${v.name} | ${t.median.toFixed(0)} ms | ${above} | ${t.runs.map((ms) => ms.toFixed(0)).join(', ')} | ${target} |`
  })
  return `## 2. Command-line start-up: \`revmeta --help\` and \`revmeta runs\`

Each command as a new process of the built CLI (\`node bin/revmeta.js …\`), from spawn to exit;
medians of ${r.rounds} rounds after a warm-up round, variants interleaved.${r.storeNote ? ` ${r.storeNote}` : ''} A help loads commander and
the commands' declarations only; each command's code and libraries load when it runs
(test/cli/help-loads.test.ts checks which modules a help loads). On a busy machine Node's own
start-up grows with the load; the column above it is the part that is revmeta's.

| command | median | above Node's start-up | every round | target |
|---|---|---|---|---|
${rows.join('\n')}
`
}

// `npx tsx bench/cli-start.ts [rounds]`: the helps alone, printed (npm run build first).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? 7)
  const result = await benchCliStart((line) => process.stdout.write(`${line}\n`), rounds)
  process.stdout.write(`\n${cliStartSection(result)}`)
}
