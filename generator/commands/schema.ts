import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { environmentJsonSchema, JSON_SCHEMA_PATH } from '../../schema/json-schema.ts';
import { parse } from './args.ts';
import type { Command } from './command.ts';

export const schemaCommand: Command = {
  name: 'schema',
  usage: `Usage: slipway schema [--check]

Writes ${JSON_SCHEMA_PATH}, the JSON Schema editors use through the
"# yaml-language-server: $schema=..." comment at the top of every environment file.

Options:
  --check      Write nothing; exit 1 when the committed file is out of date.
  -h, --help   Show this help.`,
  run(args, io) {
    const { values } = parse(args, { check: { type: 'boolean' } });
    if (values.help) {
      io.stdout.write(`${this.usage}\n`);
      return 0;
    }
    const expected = environmentJsonSchema();
    let current: string | undefined;
    try {
      current = readFileSync(JSON_SCHEMA_PATH, 'utf8');
    } catch {
      current = undefined;
    }
    if (values.check) {
      if (current === expected) {
        io.stdout.write(`${JSON_SCHEMA_PATH} is up to date.\n`);
        return 0;
      }
      io.stderr.write(`${JSON_SCHEMA_PATH} is ${current === undefined ? 'missing' : 'out of date'}.\n  hint: run "slipway schema" and commit the result.\n`);
      return 1;
    }
    if (current === expected) {
      io.stdout.write(`${JSON_SCHEMA_PATH} is up to date.\n`);
      return 0;
    }
    mkdirSync(path.dirname(JSON_SCHEMA_PATH), { recursive: true });
    writeFileSync(JSON_SCHEMA_PATH, expected);
    io.stdout.write(`Wrote ${JSON_SCHEMA_PATH}.\n`);
    return 0;
  },
};
