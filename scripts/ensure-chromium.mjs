// pretest: the browser tests drive Debian's Chromium. Installs it when /usr/bin/chromium is
// missing (apt-get, quiet; through sudo when not root). Never fails the set-up by itself: the
// browser tests then fail with a message that says what is missing.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const chromium = '/usr/bin/chromium'
if (!existsSync(chromium)) {
  const asRoot = process.getuid?.() === 0
  const run = (args) => execFileSync(asRoot ? args[0] : 'sudo', asRoot ? args.slice(1) : ['-n', ...args], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
  try {
    process.stderr.write('pretest: installing chromium for the browser tests (apt-get install -y chromium)\n')
    run(['apt-get', 'update', '-qq'])
    run(['apt-get', 'install', '-y', '-qq', 'chromium'])
  } catch (error) {
    process.stderr.write(`pretest: could not install chromium (${error.message.split('\n')[0]}); the browser tests will say so\n`)
  }
}
