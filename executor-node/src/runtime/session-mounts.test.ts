import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';

import type { ResolvedRunMount, RunMount } from '../../../core/src/index.ts';
import { SecretStore } from '../session/secret-store.ts';
import { prepareSessionMounts } from './session-mounts.ts';

function mount(fields: Omit<RunMount, 'raw'>): ResolvedRunMount {
  return { mount: { ...fields, raw: '' } };
}

const secrets = SecretStore.fromFlags(['id=token,env=TOKEN'], {
  TOKEN: 'hunter2',
});
const asRoot = process.getuid?.() === 0;

test(
  'a secret file is a read-only bind of a file in memory',
  { skip: !asRoot && 'needs root (chown)' },
  async () => {
    const prepared = await prepareSessionMounts(
      [
        mount({ type: 'secret', id: 'token', target: '/run/secrets/token' }),
        mount({
          type: 'secret',
          id: 'token',
          target: '/etc/app/key',
          uid: '1000',
          gid: '100',
          mode: '0550',
        }),
      ],
      { secrets },
    );
    try {
      const [plain, owned] = prepared.mounts;
      assert.equal(plain?.destination, '/run/secrets/token');
      assert.deepEqual(plain?.options, [
        'rbind',
        'ro',
        'nodev',
        'nosuid',
        'noexec',
      ]);
      const source = plain?.source ?? '';
      assert.match(source, /^\/dev\/shm\/slipway-secrets-/);
      assert.equal(fs.readFileSync(source, 'utf8'), 'hunter2');
      const st = fs.statSync(source);
      assert.deepEqual([st.mode & 0o777, st.uid, st.gid], [0o400, 0, 0]);
      const ownedSt = fs.statSync(owned?.source ?? '');
      assert.deepEqual(
        [ownedSt.mode & 0o777, ownedSt.uid, ownedSt.gid],
        [0o550, 1000, 100],
      );
      assert.ok(!owned?.options?.includes('noexec'));
      assert.deepEqual(prepared.env, []);
    } finally {
      await prepared.release();
    }
    assert.equal(fs.existsSync(prepared.mounts[0]?.source ?? ''), false);
  },
);

test('env secrets, and optional ones that are missing', async () => {
  const prepared = await prepareSessionMounts(
    [
      mount({ type: 'secret', id: 'token', env: 'API_TOKEN' }),
      mount({ type: 'secret', id: 'absent', env: 'ABSENT' }),
      mount({ type: 'secret', id: 'absent', target: '/run/secrets/absent' }),
      mount({ type: 'ssh', target: '/run/buildkit/ssh_agent.0' }),
    ],
    { secrets },
  );
  await prepared.release();
  assert.deepEqual(prepared.env, ['API_TOKEN=hunter2', 'ABSENT=']);
  assert.deepEqual(prepared.mounts, []);
});

test('required secrets and agents fail with BuildKit text', async () => {
  const required = (fields: Omit<RunMount, 'raw'>) =>
    prepareSessionMounts([mount({ ...fields, required: true })], { secrets });
  await assert.rejects(
    required({ type: 'secret', id: 'absent', target: '/s' }),
    new Error('secret absent: not found'),
  );
  await assert.rejects(
    required({ type: 'ssh', target: '/a' }),
    new Error('no SSH key "" forwarded from the client'),
  );
  await assert.rejects(
    required({ type: 'ssh', id: 'work', target: '/a' }),
    new Error('no SSH key "work" forwarded from the client'),
  );
});
