import { describe, expect, it } from 'vitest'
import { runCampaignRound } from '../support/hostile-campaign.js'

/**
 * The seeded hostile-string campaign (test/support/hostile-campaign.ts) through `revmeta apply`
 * with the embedded store into PostgreSQL, MariaDB, DuckDB and ClickHouse (chdb). `npm test` runs
 * one small round; `npm run fuzz` runs more and larger ones. REVMETA_FUZZ_SEED replays a round.
 */
const seed = Number(process.env.REVMETA_FUZZ_SEED ?? 20_261_205)
const rounds = Number(process.env.REVMETA_FUZZ_ROUNDS ?? 1)
const strings = Number(process.env.REVMETA_FUZZ_STRINGS ?? 40)

describe('hostile-string campaign through revmeta apply and the embedded store', () => {
  it(`lands every string exactly or refuses it with VALUE_INVALID, and runs/replay keep working (seed ${seed}, ${rounds} x ${strings} strings)`, { timeout: 120_000 * rounds }, async () => {
    for (let round = 0; round < rounds; round++) {
      const result = await runCampaignRound(seed + round, strings)
      // The seed is printed so that a failure can be replayed: REVMETA_FUZZ_SEED=<seed> npm run fuzz
      console.log(`campaign seed ${result.seed}: ${result.strings.length} strings x 4 engines`, JSON.stringify(result.outcomes), JSON.stringify(result.timings))
      expect(result.problems, `seed ${result.seed}`).toEqual([])
      expect(result.strings.length).toBe(strings)
    }
  })
})
