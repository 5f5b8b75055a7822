import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import {
  knownStart,
  MAX_ROOT_FACTS,
  readRootFacts,
  writeRootFacts,
} from './root-facts.ts';

const nobody = { uid: 65534, gid: 65534, additionalGids: [] };

test('a start is known only when the user, folder and every mount point are', () => {
  const hosts = { path: '/etc/hosts', host: 'etc/hosts', parent: 'etc' };
  const facts = {
    users: { nobody },
    dirs: { '/srv': true, '/missing': false },
    paths: { '/proc': true as const, '/etc/hosts': hosts },
  };
  assert.deepEqual(knownStart(facts, 'nobody', '/srv', ['/proc']), {
    user: nobody,
    stubs: [],
  });
  assert.deepEqual(
    knownStart(facts, 'nobody', '/srv', ['/proc', '/etc/hosts', '/etc/hosts']),
    { user: nobody, stubs: [hosts] },
  );
  assert.equal(knownStart(facts, 'root', '/srv', []), undefined);
  assert.equal(knownStart(facts, 'nobody', '/missing', []), undefined);
  assert.equal(knownStart(facts, 'nobody', '/other', []), undefined);
  assert.equal(knownStart(facts, 'nobody', '/srv', ['/new']), undefined);
  // Names that are properties of every object are not users or paths.
  assert.equal(knownStart(facts, 'constructor', '/srv', []), undefined);
  assert.equal(knownStart(facts, 'nobody', '/srv', ['toString']), undefined);
});

test('facts round-trip through their file; a torn or missing one reads empty', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'root-facts-'));
  try {
    const file = path.join(dir, 'root-facts.json');
    const empty = { users: {}, dirs: {}, paths: {} };
    assert.deepEqual(readRootFacts(file), empty);
    const facts = { users: { nobody }, dirs: { '/': true }, paths: {} };
    writeRootFacts(file, facts);
    assert.deepEqual(readRootFacts(file), facts);
    assert.deepEqual(fs.readdirSync(dir), ['root-facts.json']);
    fs.writeFileSync(file, '{"users":');
    assert.deepEqual(readRootFacts(file), empty);
    fs.writeFileSync(file, '{"users":{},"dirs":[],"paths":{}}');
    assert.deepEqual(readRootFacts(file), empty);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('facts of the wrong shape, or stubs outside the root, read empty', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'root-facts-'));
  try {
    const file = path.join(dir, 'root-facts.json');
    const empty = { users: {}, dirs: {}, paths: {} };
    const hosts = { path: '/etc/hosts', host: 'etc/hosts', parent: 'etc' };
    const good = { users: { nobody }, dirs: { '/': true }, paths: {} };
    const bad = [
      { ...good, users: { nobody: 'x' } },
      { ...good, users: { nobody: { uid: -1, gid: 0, additionalGids: [] } } },
      { ...good, users: { nobody: { uid: 0, gid: 0, additionalGids: ['1'] } } },
      { ...good, dirs: { '/': 'yes' } },
      { ...good, paths: { '/etc/hosts': 5 } },
      { ...good, paths: { '/etc/hosts': false } },
      { ...good, paths: { '/etc/hosts': { ...hosts, host: 3 } } },
      { ...good, paths: { '/etc/hosts': { ...hosts, host: '../../x' } } },
      { ...good, paths: { '/etc/hosts': { ...hosts, host: '/tmp/x' } } },
      { ...good, paths: { '/etc/hosts': { ...hosts, parent: 'etc/../..' } } },
    ];
    for (const facts of bad) {
      fs.writeFileSync(file, JSON.stringify(facts));
      assert.deepEqual(readRootFacts(file), empty, JSON.stringify(facts));
    }
    const stubbed = { ...good, paths: { '/etc/hosts': hosts, '/': true } };
    fs.writeFileSync(file, JSON.stringify(stubbed));
    assert.deepEqual(readRootFacts(file), stubbed);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('facts grown past their limit are dropped, to be learned anew', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'root-facts-'));
  try {
    const file = path.join(dir, 'root-facts.json');
    const dirs: Record<string, boolean> = {};
    for (let i = 0; i < MAX_ROOT_FACTS; i++) dirs[`/d${i}`] = true;
    writeRootFacts(file, { users: {}, dirs, paths: {} });
    assert.equal(Object.keys(readRootFacts(file).dirs).length, MAX_ROOT_FACTS);
    dirs['/one-more'] = true;
    writeRootFacts(file, { users: {}, dirs, paths: {} });
    assert.equal(fs.existsSync(file), false);
    assert.deepEqual(readRootFacts(file), { users: {}, dirs: {}, paths: {} });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
