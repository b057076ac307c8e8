// Images Slipway names itself are pinned by digest where one is known, the tag kept beside it for
// people; the rest say why not. The digest is what the node pulls (repository:tag@digest).
import { describe, expect, it } from 'vitest';
import { IMAGES, imageReference } from '../../generator/catalog/charts.ts';
import { examples } from '../helpers/render.ts';

describe('pinned images', () => {
  it.each(Object.entries(IMAGES))('%s has a sha256 digest or a reason it has none', (_name, image) => {
    if (image.digest) expect(image.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    else expect('unpinned' in image && image.unpinned.length).toBeGreaterThan(20);
  });

  it('renders Redis by tag and digest wherever an instance runs it', () => {
    const { files } = examples();
    const redis = imageReference(IMAGES.redis);
    expect(redis).toBe('redis:7.4.11-alpine@sha256:ff02b58f971e7d7d156a1267e283fcbbeee91773b6aa36c49dac28ecfe28eadf');
    const tags = [...files.values()].flatMap((c) => [...c.matchAll(/tag: (\S*alpine\S*)/g)].map((m) => m[1]!.replace(/^["']|["']$/g, '')));
    expect(tags.length).toBeGreaterThan(0);
    for (const tag of tags) expect(tag).toBe('7.4.11-alpine@sha256:ff02b58f971e7d7d156a1267e283fcbbeee91773b6aa36c49dac28ecfe28eadf');
  });
});
