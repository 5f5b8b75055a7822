// Turns `user[:group]` as written in a Dockerfile into numeric ids, reading
// the root filesystem's /etc/passwd and /etc/group as the container would.

import fs from 'node:fs';

import { resolveInRoot } from './root-path.ts';

/** Numeric ids for a process or a chown. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

/** Resolves a `USER`/`--chown` value against the files of `rootfs`. */
export function resolveUser(rootfs: string, spec: string): ResolvedUser {
  const [userPart = '', groupPart] = spec === '' ? ['0'] : splitOnce(spec);
  const passwd = readTable(rootfs, '/etc/passwd');
  const groups = readTable(rootfs, '/etc/group');

  let uid: number;
  let gid: number;
  let name: string | undefined;
  const entry = passwd.find((row) =>
    isNumber(userPart) ? row[2] === userPart : row[0] === userPart,
  );
  if (isNumber(userPart)) {
    uid = Number(userPart);
    gid = entry ? Number(entry[3]) : 0;
    name = entry?.[0];
  } else if (entry) {
    uid = Number(entry[2]);
    gid = Number(entry[3]);
    name = entry[0];
  } else {
    throw new Error(
      `unable to find user ${userPart}: no matching entries in passwd file`,
    );
  }

  if (groupPart !== undefined) {
    gid = resolveGroup(groups, groupPart);
    return { uid, gid, additionalGids: [] };
  }
  const additionalGids = groups
    .filter(
      (row) => name !== undefined && (row[3] ?? '').split(',').includes(name),
    )
    .map((row) => Number(row[2]))
    .filter((id) => id !== gid);
  return { uid, gid, additionalGids };
}

function resolveGroup(groups: string[][], spec: string): number {
  if (isNumber(spec)) return Number(spec);
  const row = groups.find((r) => r[0] === spec);
  if (!row) {
    throw new Error(
      `unable to find group ${spec}: no matching entries in group file`,
    );
  }
  return Number(row[2]);
}

function readTable(rootfs: string, file: string): string[][] {
  try {
    const text = fs.readFileSync(resolveInRoot(rootfs, file), 'utf8');
    return text
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(':'));
  } catch {
    return [];
  }
}

function splitOnce(spec: string): [string, string?] {
  const colon = spec.indexOf(':');
  return colon < 0 ? [spec] : [spec.slice(0, colon), spec.slice(colon + 1)];
}

function isNumber(text: string): boolean {
  return /^[0-9]+$/.test(text);
}
