#!/usr/bin/env node
// Runs node's test runner (with tsx) over every *.test.ts under the given
// folders; Node 20's runner does not expand globs itself.
// Usage: node scripts/test-node.mjs [--serial] DIR...

import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const serial = args.includes('--serial');
const dirs = args.filter((a) => !a.startsWith('--'));

const files = dirs
  .flatMap((dir) =>
    statSync(dir).isDirectory()
      ? readdirSync(dir, { recursive: true }).map((f) => path.join(dir, f))
      : [dir],
  )
  .filter((f) => f.endsWith('.test.ts'))
  .sort();

if (files.length === 0) {
  console.error(`no test files under ${dirs.join(', ')}`);
  process.exit(1);
}

const runnerArgs = ['--import', 'tsx', '--test'];
if (serial) runnerArgs.push('--test-concurrency=1');
const result = spawnSync(process.execPath, [...runnerArgs, ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
