import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseDevice } from './run-device.ts';
import { checkMountFrom, parseMount } from './run-mount.ts';

test('type=cache,target=/root/.cache defaults to read-write', () => {
  const result = parseMount(
    'type=cache,target=/root/.cache,sharing=locked,mode=0700',
  );
  assert.equal(result.error, undefined);
  if (result.error !== undefined) return;
  assert.equal(result.mount.type, 'cache');
  assert.equal(result.mount.target, '/root/.cache');
  assert.equal(result.mount.sharing, 'locked');
  assert.equal(result.mount.mode, '0700');
  assert.equal(result.mount.readonly, false);
});

test('bind and secret mounts default to read-only; rw flips it', () => {
  const bind = parseMount('target=/src');
  assert.ok(
    bind.error === undefined &&
      bind.mount.type === 'bind' &&
      bind.mount.readonly,
  );
  const rw = parseMount('type=bind,target=/src,rw');
  assert.ok(rw.error === undefined && rw.mount.readonly === false);
  const secret = parseMount('type=secret,id=token,required');
  assert.ok(
    secret.error === undefined &&
      secret.mount.readonly &&
      secret.mount.required,
  );
});

test('refuses what BuildKit refuses', () => {
  const cases: [string, string][] = [
    ['type=volume', 'unsupported mount type "volume"'],
    ['type=cahce', 'unsupported mount type "cahce" (did you mean cache?)'],
    ['type=tmpfs,uid=1', 'uid not allowed for "tmpfs" type mounts'],
    ['type=bind,required', "unexpected key 'required' for mount type 'bind'"],
    ['type=cache,sharing=exclusive', 'unsupported sharing value "exclusive"'],
    ['type=bind,sharing=locked', 'invalid cache sharing set for bind mount'],
    ['type=secret', 'invalid secret mount. one of source, target required'],
    ['type=secret,id=a,from=b', 'secret mount should not have a from'],
    ['type=cache,mode=9', 'invalid value 9 for mode'],
    ['type=cache,colour=red', "unexpected key 'colour' in 'colour=red'"],
    [
      'type=cache,targte=/x',
      "unexpected key 'targte' in 'targte=/x' (did you mean target?)",
    ],
    [
      'type=cache,nonsense',
      "invalid field 'nonsense' must be a key=value pair",
    ],
    ['type=cache,ro=maybe', 'invalid value for ro: maybe'],
  ];
  for (const [value, error] of cases) {
    assert.deepEqual(parseMount(value), { error }, value);
  }
});

test('expands values through the given expander', () => {
  const result = parseMount('type=cache,target=$DIR', (v) => ({
    value: v.replace('$DIR', '/cache'),
  }));
  assert.ok(result.error === undefined && result.mount.target === '/cache');
});

test('from= may not hold a variable unless the $ is last', () => {
  assert.equal(
    checkMountFrom('from=$X'),
    "'from' doesn't support variable expansion, define alias stage instead",
  );
  assert.equal(checkMountFrom('from=a$'), undefined);
  assert.equal(checkMountFrom('target=$X'), undefined);
});

test('--device values', () => {
  assert.deepEqual(parseDevice('vendor.com/x'), {
    name: 'vendor.com/x',
    required: false,
  });
  assert.deepEqual(parseDevice('vendor.com/x,required'), {
    name: 'vendor.com/x',
    required: true,
  });
  assert.deepEqual(parseDevice('required=false,name=vendor.com/x=1'), {
    name: 'vendor.com/x=1',
    required: false,
  });
  assert.deepEqual(parseDevice('a.com/b,colour=red'), {
    error: "unexpected key 'colour' in 'colour=red'",
  });
  assert.deepEqual(parseDevice('a.com/b,c'), {
    error: "invalid field 'c' must be a key=value pair",
  });
});
