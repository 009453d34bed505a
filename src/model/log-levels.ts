/** pino's levels, as the config's log.level and --log-level take them; plain data so a `--help` need not load pino. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof logLevels)[number]
