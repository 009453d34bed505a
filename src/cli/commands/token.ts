import { Option, type Command } from 'commander'
import { apiRoleNames } from '../../model/api-roles.js'

type Role = (typeof apiRoleNames)[number]
const action = () => import('../actions/token.js')

/** `revmeta token create|list|revoke`: the API tokens `revmeta serve` accepts. */
export function registerToken(program: Command, done: (code: Promise<number>) => void): void {
  const token = program.command('token').description('API tokens for revmeta serve (Authorization: Bearer): create, list, revoke')
  token
    .command('create')
    .description('make a token with a role and print it once; the store keeps only its hash')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .addOption(new Option('--role <role>', 'viewer reads; editor also edits the catalog; admin also manages users, teams and subscriptions').choices(apiRoleNames).makeOptionMandatory())
    .option('--name <name>', 'unique name, recorded as updatedBy for catalog edits (default: <role>-<random>)')
    .option('--json', 'print one JSON object, the token included')
    .action((flags: { config: string; role: Role; name?: string; json?: boolean }) => done(action().then((m) => m.create(flags))))
  token
    .command('list')
    .description('list tokens (never the token itself) with role, creation, last use and revocation')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--json', 'print one JSON object')
    .action((flags: { config: string; json?: boolean }) => done(action().then((m) => m.list(flags))))
  token
    .command('revoke')
    .description('revoke a token by id or name; a running serve refuses it from its next request')
    .argument('<id-or-name>', 'the id or the name revmeta token list shows')
    .requiredOption('-c, --config <file>', 'revmeta YAML configuration')
    .option('--json', 'print one JSON object')
    .action((idOrName: string, flags: { config: string; json?: boolean }) => done(action().then((m) => m.revoke(idOrName, flags))))
}
