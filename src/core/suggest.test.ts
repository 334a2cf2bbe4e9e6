import { describe, expect, it } from 'vitest';
import { closestMatches, didYouMean, editDistance } from './suggest.js';

describe('suggestions', () => {
  it('computes edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('finds ids that contain the query first', () => {
    const ids = ['gcp:europe-west4', 'gcp:europe-west1', 'aws:eu-west-1', 'azure:westeurope'];
    expect(closestMatches('europe-west', ids).slice(0, 2)).toEqual(['gcp:europe-west1', 'gcp:europe-west4']);
    expect(closestMatches('gcp:europe-wset4', ids)[0]).toBe('gcp:europe-west4');
  });
  it('says nothing when nothing is close', () => {
    expect(didYouMean('zzzzzz', ['gcp:us-central1'])).toBe('');
    expect(didYouMean('us-centrl1', ['gcp:us-central1', 'gcp:us-east1'])).toContain('gcp:us-central1');
  });
});
