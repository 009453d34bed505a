// Loaded with `node --import ./test/support/record-loads.mjs` (or NODE_OPTIONS) in a child process:
// writes to the file named by REVMETA_RECORD_LOADS, one per line, the file URL of every module the
// process loaded, ES modules (seen by a load hook) and CommonJS ones (require's cache at exit). A
// test can then say which code a command pulled in, which says more than a timing and never flakes.
import fs from 'node:fs'
import { createRequire, register } from 'node:module'
import { pathToFileURL } from 'node:url'

const file = process.env.REVMETA_RECORD_LOADS
if (file) {
  const hooks = `
    import fs from 'node:fs'
    export async function load(url, context, next) {
      if (url.startsWith('file:')) fs.appendFileSync(${JSON.stringify(file)}, url + '\\n')
      return next(url, context)
    }`
  register(`data:text/javascript,${encodeURIComponent(hooks)}`)
  const cache = createRequire(import.meta.url).cache
  process.on('exit', () => {
    fs.appendFileSync(file, Object.keys(cache).map((p) => `${pathToFileURL(p).href}\n`).join(''))
  })
}
