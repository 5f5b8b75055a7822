// Resolves a Dockerfile USER (name or id, with an optional group) against
// /etc/passwd and /etc/group inside a root filesystem, as runc does.

import { lookup, type DirNode } from './file-tree.ts';

/** A process identity: user, primary group and supplementary groups. */
export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
}

interface Entry {
  name: string;
  id: number;
  gid: number;
  members: string[];
}

/** Resolves `user` (`name`, `uid`, `name:group`, `uid:gid`) in `root`. */
export function resolveUser(root: DirNode, user: string): ResolvedUser {
  const spec = user.trim();
  if (spec === '') return { uid: 0, gid: 0, additionalGids: [] };
  const [userPart = '', groupPart] = spec.split(':', 2);
  const passwd = readTable(root, '/etc/passwd', 'passwd');
  const groups = readTable(root, '/etc/group', 'group');

  const byUser = isId(userPart)
    ? passwd.find((e) => e.id === Number(userPart))
    : passwd.find((e) => e.name === userPart);
  if (!byUser && !isId(userPart)) {
    throw new Error(
      `unable to find user ${userPart}: no matching entries in passwd file`,
    );
  }
  const uid = byUser?.id ?? Number(userPart);
  let gid = byUser?.gid ?? 0;
  if (groupPart !== undefined && groupPart !== '') {
    const group = isId(groupPart)
      ? groups.find((e) => e.id === Number(groupPart))
      : groups.find((e) => e.name === groupPart);
    if (!group && !isId(groupPart)) {
      throw new Error(
        `unable to find group ${groupPart}: no matching entries in group file`,
      );
    }
    gid = group?.id ?? Number(groupPart);
    return { uid, gid, additionalGids: [] };
  }
  const name = byUser?.name;
  const additionalGids = name
    ? groups
        .filter((g) => g.members.includes(name) && g.id !== gid)
        .map((g) => g.id)
    : [];
  return { uid, gid, additionalGids };
}

function isId(text: string): boolean {
  return /^\d+$/.test(text);
}

function readTable(
  root: DirNode,
  path: string,
  kind: 'passwd' | 'group',
): Entry[] {
  const found = lookup(root, path);
  if (!found || found.node.type !== 'file') return [];
  const text = new TextDecoder().decode(found.node.data);
  const out: Entry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    const id = Number(f[2]);
    if (!f[0] || !Number.isInteger(id)) continue;
    if (kind === 'passwd') {
      out.push({ name: f[0], id, gid: Number(f[3]) || 0, members: [] });
    } else {
      const members = (f[3] ?? '').split(',').filter((m) => m !== '');
      out.push({ name: f[0], id, gid: id, members });
    }
  }
  return out;
}
