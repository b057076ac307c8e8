// Runs the compiled slipway CLI (npm run build first) and reports the process's peak memory on exit.
import { writeSync } from 'node:fs';

process.on('exit', () => writeSync(2, `\n__bench__ ${JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS })}\n`));
await import('../dist/generator/main.js');
