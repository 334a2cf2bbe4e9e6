/** The one shape of "unknown id" error every lookup throws: what was wrong, the closest ids, what to run. */
import { GreenmlError, closestMatches, didYouMean } from '../core/index.js';

/** `hint` is a full sentence telling the user how to see the valid ids. */
export function unknownId(what: string, input: string, ids: readonly string[], hint: string): GreenmlError {
  return new GreenmlError('UNKNOWN_ID', `Unknown ${what} "${input}".${didYouMean(input, ids)} ${hint}`, {
    details: { suggestions: closestMatches(input, ids) },
  });
}
