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

export const cliStartVariants: readonly { readonly name: string; readonly args: readonly string[] }[] = [
  { name: 'node -e 0 (Node start-up alone, for reference)', args: ['-e', '0'] },
  { name: 'revmeta --help', args: [bin, '--help'] },
  { name: 'revmeta runs --help', args: [bin, 'runs', '--help'] },
]

export interface CliStartResult {
  readonly rounds: number
  /** Per variant name: every round's time in ms, and their median. */
  readonly times: ReadonlyMap<string, { readonly runs: readonly number[]; readonly median: number }>
}

async function timeProcess(args: readonly string[]): Promise<number> {
  const started = now()
  await promisify(execFile)(process.execPath, [...args])
  return now() - started
}

/** One warm-up round (the file system cache), then `rounds` timed rounds, variants interleaved. */
export async function benchCliStart(log: (line: string) => void, rounds = 7): Promise<CliStartResult> {
  for (const v of cliStartVariants) await timeProcess(v.args)
  const runs = new Map(cliStartVariants.map((v) => [v.name, [] as number[]]))
  for (let round = 0; round < rounds; round++) {
    for (const v of cliStartVariants) runs.get(v.name)!.push(await timeProcess(v.args))
  }
  const times = new Map([...runs].map(([name, list]) => [name, { runs: list, median: median(list) }]))
  for (const [name, t] of times) log(`  ${name}: median ${t.median.toFixed(0)} ms (${t.runs.map((ms) => ms.toFixed(0)).join(', ')})`)
  return { rounds, times }
}

/** The section of docs/benchmarks.md. */
export function cliStartSection(r: CliStartResult): string {
  const node = r.times.get(cliStartVariants[0]!.name)!.median
  const rows = cliStartVariants.map((v, i) => {
    const t = r.times.get(v.name)!
    const above = i === 0 ? '—' : `${(t.median - node).toFixed(0)} ms`
    const target = i === 0 ? '—' : `≤ ${cliStartTargetMs} ms: **${t.median <= cliStartTargetMs ? 'yes' : 'no'}**`
    return `| ${v.name} | ${t.median.toFixed(0)} ms | ${above} | ${t.runs.map((ms) => ms.toFixed(0)).join(', ')} | ${target} |`
  })
  return `## 4. Command-line start-up

Each command as a new process of the built CLI (\`node bin/revmeta.js …\`), from spawn to exit;
medians of ${r.rounds} rounds after a warm-up round, variants interleaved. A help loads commander and
the commands' declarations only; each command's code and libraries load when it runs
(test/cli/help-loads.test.ts checks which modules a help loads). On a busy machine Node's own
start-up grows with the load; the column above it is the part that is revmeta's.

| command | median | above Node's start-up | every round | target |
|---|---|---|---|---|
${rows.join('\n')}
`
}

// `npx tsx bench/cli-start.ts [rounds]`: this figure alone, printed (npm run build first).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rounds = Number(process.argv[2] ?? 7)
  const result = await benchCliStart((line) => process.stdout.write(`${line}\n`), rounds)
  process.stdout.write(`\n${cliStartSection(result)}`)
}
