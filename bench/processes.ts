import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { now } from './support.js'

/** revmeta as a user runs it: the built CLI (dist/, `npm run build`), a new process each time. */
export const bin = fileURLToPath(new URL('../bin/revmeta.js', import.meta.url))
export const benchFile = (name: string) => fileURLToPath(new URL(`./${name}`, import.meta.url))

export interface ProcessRun {
  /** Spawn to exit, milliseconds. */
  readonly ms: number
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs `node …args` to its exit. Standard output goes to a file, not a pipe this process reads,
 * so a large report costs the child what writing it to a terminal or file would, and nothing here.
 */
export async function nodeProcess(args: readonly string[], stdoutFile: string): Promise<ProcessRun> {
  const fd = openSync(stdoutFile, 'w')
  let stderr = ''
  const started = now()
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, [...args], { stdio: ['ignore', fd, 'pipe'] })
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('error', reject)
      child.on('exit', (c) => resolve(c))
    })
    const ms = now() - started
    return { ms, code, stdout: readFileSync(stdoutFile, 'utf8'), stderr }
  } finally {
    closeSync(fd)
  }
}

/** `node bin/revmeta.js …args`; fails unless it exits with `expectCode`. */
export async function revmeta(args: readonly string[], stdoutFile: string, expectCode = 0): Promise<ProcessRun> {
  const run = await nodeProcess([bin, ...args], stdoutFile)
  if (run.code !== expectCode) throw new Error(`revmeta ${args.join(' ')} exited with ${run.code}: ${run.stderr.slice(-2000)}\n${run.stdout.slice(-2000)}`)
  return run
}

/** The counts of revmeta's one-line summary (`apply: … operation(s): 20000 applied, …`): status → count. */
export function summaryCounts(stdout: string, mode: string): Map<string, number> {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(`${mode}: `))
  if (!line) throw new Error(`no "${mode}:" summary line in revmeta's output: ${stdout.slice(-500)}`)
  const counts = new Map<string, number>()
  for (const m of line.slice(line.indexOf('operation(s)')).matchAll(/(\d+) ([a-z]+)/g)) counts.set(m[2]!, Number(m[1]))
  return counts
}
