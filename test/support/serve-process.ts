import { spawn, type ChildProcess } from 'node:child_process'
import { bin } from './run-cli.js'

/** `revmeta serve` as a child process (bin/revmeta.js: `npm run build` first); resolves with its address once it listens. */
export function startServe(args: readonly string[], options: { nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): { child: ChildProcess; address: Promise<string> } {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, 'serve', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: options.env ?? process.env })
  let stderr = ''
  const address = new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const match = /listening on (http:\/\/[^\s;"]+)/.exec(stderr)
      if (match) resolve(match[1]!)
    })
    child.once('exit', (code) => reject(new Error(`revmeta serve exited with ${code} before listening:\n${stderr}`)))
  })
  return { child, address }
}

/** Stops a serve child with SIGTERM and waits for it to exit. */
export async function stopServe(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  await exited
}
