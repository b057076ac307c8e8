// The `apps` part: a list of instances per app kind, each kind defined in the catalog.
import { z } from './zod.ts';
import { appsShape } from '../generator/catalog/index.ts';

export const appsSchema = z.strictObject(appsShape).describe('Applications.');
