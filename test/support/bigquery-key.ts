import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A throwaway service-account key file (a fresh RSA key): the SDK signs its own JWTs with it, nothing is fetched. */
export function throwawayKeyFile(project: string): { keyFile: string; dir: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const dir = mkdtempSync(join(tmpdir(), 'revmeta-bq-'))
  const keyFile = join(dir, 'service-account.json')
  writeFileSync(
    keyFile,
    JSON.stringify({
      type: 'service_account',
      project_id: project,
      private_key_id: 'throwaway',
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
      client_email: `revmeta@${project}.iam.gserviceaccount.com`,
      client_id: '1',
      // Never contacted (the key signs its own JWT); loopback all the same, in case a library changes its mind.
      token_uri: 'http://127.0.0.1:9/token',
    }),
  )
  return { keyFile, dir }
}
