// What a RUN step's runtime needs to know about its root before it starts
// (the user's ids, which paths exist), kept beside the committed snapshot the
// step starts from. Committed snapshots never change, so these facts never go
// stale, and a step whose facts are all known starts without the hand-over
// that lets this process look at the freshly mounted root.

import fs from 'node:fs';

import type { ResolvedUser } from '../snapshot/ownership.ts';

/** Facts about one committed root filesystem, as read through its mount. */
export interface RootFacts {
  /** `USER` values (as written) and the ids they resolved to. */
  users: Record<string, ResolvedUser>;
  /** Folders (symlinks followed) and whether each was one. */
  dirs: Record<string, boolean>;
  /**
   * Mount destinations: true when every part existed, else the mount point
   * the runtime makes for it.
   */
  paths: Record<string, true | Stub>;
}

/**
 * A mount point the runtime will create, and the folder it goes in, both
 * relative to the root with symlinks resolved.
 */
export interface Stub {
  path: string;
  host: string;
  parent: string;
}

/** How a known step starts: its user's ids and the stubs to remove after. */
export interface KnownStart {
  user: ResolvedUser;
  stubs: Stub[];
}

/**
 * Reads the facts kept in `file`; empty facts when there are none yet or they
 * are not of their shape (stubs are removed by their paths, so none may lead
 * out of the step's layer).
 */
export function readRootFacts(file: string): RootFacts {
  try {
    const read = JSON.parse(fs.readFileSync(file, 'utf8')) as RootFacts;
    if (isRootFacts(read)) return read;
  } catch {
    // Missing or torn by a crash: learn the facts again.
  }
  return { users: {}, dirs: {}, paths: {} };
}

/** Facts kept about one root at most; past it they are learned anew. */
export const MAX_ROOT_FACTS = 256;

/**
 * Keeps `facts` in `file` (written aside and renamed, so a reader never sees
 * half a file); a snapshot folder that cannot be written is left as it is.
 * Facts grown past MAX_ROOT_FACTS entries are dropped, so every step over
 * a much-used parent does not read an ever larger file.
 */
export function writeRootFacts(file: string, facts: RootFacts): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const count = [facts.users, facts.dirs, facts.paths]
    .map((record) => Object.keys(record).length)
    .reduce((a, b) => a + b, 0);
  try {
    if (count > MAX_ROOT_FACTS) {
      fs.rmSync(file, { force: true });
      return;
    }
    fs.writeFileSync(tmp, JSON.stringify(facts));
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Returns how a step starts when the facts cover all it needs: its user, its
 * working folder (which must exist, as nothing may be made in the root before
 * the runtime starts) and every mount destination. Undefined otherwise.
 */
export function knownStart(
  facts: RootFacts,
  user: string,
  cwd: string,
  destinations: string[],
): KnownStart | undefined {
  if (facts.dirs[cwd] !== true) return undefined;
  if (!Object.hasOwn(facts.users, user)) return undefined;
  const stubs: Stub[] = [];
  for (const dest of destinations) {
    const known = Object.hasOwn(facts.paths, dest) && facts.paths[dest];
    if (!known) return undefined;
    if (known !== true && !stubs.some((s) => s.path === known.path)) {
      stubs.push(known);
    }
  }
  return { user: facts.users[user] as ResolvedUser, stubs };
}

function isRootFacts(read: RootFacts): boolean {
  return (
    isRecord(read) &&
    isRecord(read.users) &&
    Object.values(read.users).every(isUser) &&
    isRecord(read.dirs) &&
    Object.values(read.dirs).every((dir) => typeof dir === 'boolean') &&
    isRecord(read.paths) &&
    Object.values(read.paths).every((known) => known === true || isStub(known))
  );
}

function isUser(user: unknown): boolean {
  if (!isRecord(user) || !Array.isArray(user.additionalGids)) return false;
  return [user.uid, user.gid, ...user.additionalGids].every(isId);
}

function isStub(stub: unknown): boolean {
  return (
    isRecord(stub) &&
    typeof stub.path === 'string' &&
    stub.path.startsWith('/') &&
    isInside(stub.host) &&
    isInside(stub.parent)
  );
}

/** Tells whether a path relative to the root stays inside it. */
function isInside(rel: unknown): boolean {
  return (
    typeof rel === 'string' &&
    !rel.startsWith('/') &&
    !rel.split('/').includes('..')
  );
}

function isId(id: unknown): boolean {
  return (
    Number.isInteger(id) && (id as number) >= 0 && (id as number) < 2 ** 32
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
