// npm run fuzz [-- --count N --seed S]: the loader fuzz at full size (npm test runs a few hundred
// cases of the same generator). Exits 1 on the first case that breaks an invariant, printing its
// seed, index, steps and text; replay it with --seed S --from INDEX --count 1.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { checkCase, fuzzCase } from '../test/helpers/fuzz.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '20000' }, seed: { type: 'string', default: '1' }, from: { type: 'string', default: '0' } } });
const count = Number(values.count);
const seed = Number(values.seed);
const from = Number(values.from);
let valid = 0;
let slowest = 0;
const started = performance.now();
for (let i = from; i < from + count; i++) {
  const c = fuzzCase(seed, i);
  const result = checkCase(c);
  slowest = Math.max(slowest, result.ms);
  if (result.valid) valid++;
  if (result.problems.length > 0) {
    const saved = path.join(tmpdir(), `slipway-fuzz-${seed}-${i}.yaml`);
    writeFileSync(saved, c.text);
    console.error(`case ${i} (seed ${seed}) from ${c.file}, steps: ${c.steps.join('; ')}\n${result.problems.join('\n')}\ntext saved to ${saved}`);
    process.exit(1);
  }
  if ((i - from + 1) % 1000 === 0) console.log(`${i - from + 1}/${count} cases, ${valid} valid, slowest ${slowest.toFixed(0)} ms`);
}
console.log(`${count} cases (seed ${seed}) in ${((performance.now() - started) / 1000).toFixed(1)} s: no crash, every issue located, ${valid} inputs valid and rendered, slowest load ${slowest.toFixed(0)} ms.`);
