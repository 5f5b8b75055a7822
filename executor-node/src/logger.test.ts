// Tests for the executor's logger: levels, prefix and per-area debug output.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLogger } from './logger.ts';

const capture = (options: Parameters<typeof createLogger>[0] = {}) => {
  const lines: string[] = [];
  const logger = createLogger({ ...options, sink: (line) => lines.push(line) });
  return { logger, lines };
};

test('writes info and above, one line per message line; warnings as buildx does', () => {
  const { logger, lines } = capture();
  logger.info('two\nlines');
  logger.warn('careful');
  logger.error('broken');
  logger.debug('plan', 'hidden');
  assert.deepEqual(lines, [
    '[slipway] two',
    '[slipway] lines',
    'WARNING: careful',
    '[slipway] error: broken',
  ]);
});

test('shows debug lines only for the areas SLIPWAY_DEBUG names', () => {
  const { logger, lines } = capture({ debugAreas: 'cases, Export' });
  logger.debug('cases', 'S01 planned');
  logger.debug('export', 'copied');
  logger.debug('runtime', 'hidden');
  assert.deepEqual(lines, [
    '[slipway] cases: S01 planned',
    '[slipway] export: copied',
  ]);
  assert.equal(logger.isDebugEnabled('runtime'), false);
});

test('turns every area on with *, and silences everything at silent', () => {
  const all = capture({ debugAreas: '*' });
  all.logger.debug('runtime', 'on');
  assert.deepEqual(all.lines, ['[slipway] runtime: on']);

  const quiet = capture({ level: 'silent', debugAreas: '*' });
  quiet.logger.error('x');
  quiet.logger.debug('runtime', 'y');
  assert.deepEqual(quiet.lines, []);
});
