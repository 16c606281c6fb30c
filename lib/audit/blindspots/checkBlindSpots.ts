import type { BlindSpot } from '../../findings/BlindSpot.js';
import type { BlindSpotReader } from './BlindSpotReader.js';
import { evaluateBlindSpots } from './evaluateBlindSpots.js';

/** Reads and evaluates the blind spots of one account in the given regions. */
export async function checkBlindSpots(
  reader: BlindSpotReader,
  accountId: string,
  regions: readonly string[],
  ruleName: string,
): Promise<BlindSpot[]> {
  const observations = await Promise.all(
    regions.map(async (region) => {
      const [rule, trails] = await Promise.all([
        reader.forwardRule(accountId, region, ruleName),
        reader.trails(accountId, region),
      ]);
      return { region, rule, trails };
    }),
  );
  return evaluateBlindSpots(accountId, ruleName, observations);
}
