import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import {
  endpointsFor,
  parseRegistryToml,
  resolveRegistryConfig,
} from './registry-config.ts';

const TOML = `
debug = true
[registry."docker.io"]
  mirrors = ["mirror.example:5000/hub", "http://127.0.0.1:5001"]
[registry."mirror.example:5000"]
  http = true
[registry."internal.example"]
  insecure = true
`;

test('reads buildkitd.toml registry tables', () => {
  const config = parseRegistryToml(TOML, 'buildkitd.toml');
  assert.deepEqual(config.hosts['docker.io']?.mirrors, [
    'mirror.example:5000/hub',
    'http://127.0.0.1:5001',
  ]);
  assert.equal(config.hosts['mirror.example:5000']?.http, true);
  assert.equal(config.hosts['internal.example']?.insecure, true);
});

test('pulls try the mirrors in order, then the registry; pushes go to the registry', () => {
  const config = parseRegistryToml(TOML, 'buildkitd.toml');
  assert.deepEqual(endpointsFor(config, 'docker.io', 'pull'), [
    {
      host: 'mirror.example:5000',
      schemes: ['http'],
      prefix: '/hub',
      mirror: true,
    },
    { host: '127.0.0.1:5001', schemes: ['http'], prefix: '', mirror: true },
    {
      host: 'registry-1.docker.io',
      schemes: ['https'],
      prefix: '',
      mirror: false,
    },
  ]);
  assert.deepEqual(endpointsFor(config, 'docker.io', 'push'), [
    {
      host: 'registry-1.docker.io',
      schemes: ['https'],
      prefix: '',
      mirror: false,
    },
  ]);
});

test('loopback and insecure hosts may fall back to plain HTTP', () => {
  const config = parseRegistryToml(TOML, 'buildkitd.toml');
  assert.deepEqual(endpointsFor(config, '127.0.0.1:5000', 'pull')[0]?.schemes, [
    'https',
    'http',
  ]);
  assert.deepEqual(
    endpointsFor(config, 'internal.example', 'pull')[0]?.schemes,
    ['https', 'http'],
  );
});

test('flags add mirrors and insecure hosts to the config file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-regcfg-'));
  const file = path.join(dir, 'buildkitd.toml');
  fs.writeFileSync(file, TOML);
  const config = resolveRegistryConfig({
    configFile: file,
    mirrors: ['docker.io=http://127.0.0.1:6000', 'ghcr.io=127.0.0.1:6001'],
    insecure: ['lab.example'],
  });
  assert.equal(config.hosts['docker.io']?.mirrors.length, 3);
  assert.deepEqual(config.hosts['ghcr.io']?.mirrors, ['127.0.0.1:6001']);
  assert.equal(config.hosts['lab.example']?.insecure, true);
  fs.rmSync(dir, { recursive: true });
});

test('says what is wrong with a bad mirror flag or file', () => {
  assert.throws(
    () => resolveRegistryConfig({ mirrors: ['http://127.0.0.1:5000'] }),
    /invalid --registry-mirror "http:\/\/127.0.0.1:5000": expected REGISTRY=MIRROR/,
  );
  assert.throws(
    () => parseRegistryToml('[registry."x"]\nmirrors = "one"', 'b.toml'),
    /registry."x".mirrors must be a list of strings/,
  );
  assert.throws(
    () => parseRegistryToml('[registry', 'b.toml'),
    /failed to read registry config "b.toml"/,
  );
});
