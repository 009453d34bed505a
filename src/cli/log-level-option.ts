import { Option } from 'commander'
import { logLevels } from '../model/log-levels.js'

/** --log-level, the same on every long-running command; it wins over the config's log.level. */
export const logLevelOption = () => new Option('--log-level <level>', 'log level (default: log.level of the config, else info)').choices(logLevels)
