// The one zod every schema is built with. zod reads `jitless` when an object schema is constructed,
// not when it parses, so the setting must come before any schema module runs: importing z from here
// guarantees it. Without it each object schema compiles a fast path with new Function on its first
// parse, which costs more at start-up than it saves for a fleet's worth of files.
import { z } from 'zod';

z.config({ jitless: true });

export { z };
