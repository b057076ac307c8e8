#!/usr/bin/env node
// The process entry point (package.json "bin"): runs one command and sets the exit code.
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
