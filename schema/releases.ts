// The `releases` part: one slice per platform release and one chart pin per app kind, each defined
// with its release in the catalog (generator/catalog/), where its defaults and values live too.
import { z } from './zod.ts';
import { releasesShape } from '../generator/catalog/index.ts';

export const releasesSchema = z.strictObject(releasesShape).describe('Platform releases and their settings.');
