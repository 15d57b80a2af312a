import { describe, expect, it } from 'vitest';
import { nearestName } from './nearest-name.js';

describe('nearestName', () => {
  it.each([
    ['grcp', ['grpc', 'http', 'admin'], 'grpc'],
    ['hots', ['hosts', 'paths', 'methods'], 'hosts'],
    ['maxAg', ['maxAge', 'clockSkew'], 'maxAge'],
    ['maxage', ['maxAge', 'clockSkew'], 'maxAge'],
    ['--typ', ['--type', '--out', '--force'], '--type'],
    ['decisionlogg', ['decisionLog', 'sampleAllowed'], 'decisionLog'],
  ])('suggests the known name a slip of the keyboard away: %s → %s', (name, known, meant) => {
    expect(nearestName(name, known)).toBe(meant);
  });

  it('suggests nothing when no known name is close for its length', () => {
    expect(nearestName('colour', ['name', 'match', 'mode', 'unsigned'])).toBeUndefined();
    expect(nearestName('ab', ['xy'])).toBeUndefined();
  });

  it('suggests nothing for a name that is itself known', () => {
    expect(nearestName('grpc', ['grpc', 'grpcs'])).toBeUndefined();
  });

  it('prefers the closer of two candidates, and the earlier of two as close', () => {
    expect(nearestName('grpcc', ['grpx', 'grpc'])).toBe('grpc');
    expect(nearestName('mod', ['mode', 'mop'])).toBe('mode');
  });
});
