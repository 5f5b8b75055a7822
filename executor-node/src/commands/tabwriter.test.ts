// Tests for the Go text/tabwriter emulation against buildx's inspect layout.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatTabbed } from './tabwriter.ts';

test('lays out docker buildx inspect as the CDI docs page shows it', () => {
  const text = [
    'Name:\tdefault',
    'Driver:\tdocker',
    '',
    'Nodes:',
    'Name:\tdefault',
    'Endpoint:\tdefault',
    'Status:\trunning',
    'BuildKit version:\tv0.23.2',
    'Platforms:\tlinux/amd64, linux/386',
    'Labels:',
    '\torg.mobyproject.buildkit.worker.moby.host-gateway-ip:\t172.17.0.1',
    'Devices:',
    '\tName:\tvendor1.com/device=foo',
    '\tAutomatically allowed:\tfalse',
    '',
  ].join('\n');
  assert.equal(
    formatTabbed(text),
    [
      'Name:   default',
      'Driver: docker',
      '',
      'Nodes:',
      'Name:             default',
      'Endpoint:         default',
      'Status:           running',
      'BuildKit version: v0.23.2',
      'Platforms:        linux/amd64, linux/386',
      'Labels:',
      ' org.mobyproject.buildkit.worker.moby.host-gateway-ip: 172.17.0.1',
      'Devices:',
      ' Name:                  vendor1.com/device=foo',
      ' Automatically allowed: false',
      '',
    ].join('\n'),
  );
});

test('a line with fewer cells ends the column block', () => {
  const text = 'a:\t1\nlonger-key:\t2\nbreak\nb:\t3\n';
  assert.equal(
    formatTabbed(text),
    'a:          1\nlonger-key: 2\nbreak\nb: 3\n',
  );
});

test('pads by runes and honours padding', () => {
  assert.equal(formatTabbed('é\tx\nab\ty', { padding: 3 }), 'é    x\nab   y');
});
