// Chart version order as Semantic Versioning 2.0.0 defines it, with or without a leading v.
import { describe, expect, it } from 'vitest';
import { compareVersions, isDowngrade } from '../../generator/diff/semver.ts';

describe('semver precedence', () => {
  it('orders the example list of semver.org section 11 and the release after its pre-releases', () => {
    const ordered = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2.0', '1.10.0', '2.0.0'];
    for (let i = 0; i < ordered.length - 1; i++) {
      expect(compareVersions(ordered[i]!, ordered[i + 1]!), `${ordered[i]} < ${ordered[i + 1]}`).toBe(-1);
      expect(compareVersions(ordered[i + 1]!, ordered[i]!)).toBe(1);
    }
  });

  it('reads a leading v, ignores build metadata and refuses what is not a version', () => {
    expect(compareVersions('v1.21.1', '1.21.1')).toBe(0);
    expect(compareVersions('1.0.0+build.1', '1.0.0+build.2')).toBe(0);
    expect(compareVersions('88.5.3', '88.10.0')).toBe(-1);
    expect(compareVersions('>=1.0.0', '1.0.0')).toBeUndefined();
    expect(compareVersions('1.0', '1.0.0')).toBeUndefined();
  });

  it('calls a move to a lower version a downgrade, and nothing else', () => {
    expect(isDowngrade('12.3.0', '12.1.0')).toBe(true);
    expect(isDowngrade('v1.22.0-rc.1', 'v1.21.1')).toBe(true);
    expect(isDowngrade('1.0.0', '1.0.0-rc.1')).toBe(true);
    expect(isDowngrade('1.0.0-rc.1', '1.0.0')).toBe(false);
    expect(isDowngrade('12.1.0', '12.1.0')).toBe(false);
    expect(isDowngrade('latest', '1.0.0')).toBe(false);
  });
});
