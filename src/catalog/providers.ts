/** Validation of provider names typed by users. */
import { GreenmlError, didYouMean } from '../core/index.js';
import { PROVIDERS, type Provider } from './types.js';

export function checkProvider(input: string): Provider {
  const p = input.trim().toLowerCase();
  if ((PROVIDERS as readonly string[]).includes(p)) return p as Provider;
  throw new GreenmlError('INVALID_INPUT', `Unknown provider "${input}".${didYouMean(input, PROVIDERS)} Use one of ${PROVIDERS.join(', ')}.`, {
    details: { allowed: [...PROVIDERS] },
  });
}
