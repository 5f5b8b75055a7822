// Git sources of ADD as BuildKit's Dockerfile frontend reads them: which
// strings name a repository, and the ref, subdir and options they carry
// (`https://host/repo.git#ref:subdir`, `git@host:repo`, `?keep-git-dir=1`).

import { goQuote } from '../diagnostics/go-quote.ts';
import { parseGoBool } from '../options/go-bool.ts';

/** A git repository reference taken from an ADD source. */
export interface GitRef {
  /** The repository URL without fragment and query, as git is given it. */
  remote: string;
  /** `http`, `https`, `ssh` (also the `user@host:path` form) or `git`. */
  scheme: 'http' | 'https' | 'ssh' | 'git';
  /** A commit, tag or branch; empty for the remote's default branch. */
  ref: string;
  /** A commit prefix the resolved commit must start with. */
  checksum: string;
  /** A folder inside the repository, without leading slash; empty for all. */
  subdir: string;
  keepGitDir?: boolean;
  submodules?: boolean;
  /** `checkout` (default) or `commit`. */
  mtime?: 'checkout' | 'commit';
  fetchByCommit: boolean;
  /** A deprecated `github.com/...` form that ADD treats as a local path. */
  indistinguishableFromLocal: boolean;
}

/** The outcome of reading a source as a git reference. */
export interface GitRefResult {
  ref?: GitRef;
  /** Whether the source is a git reference at all (even a broken one). */
  isGit: boolean;
  /** BuildKit's error for a git reference it cannot use. */
  error?: string;
}

const PROTOCOLS = ['http', 'https', 'ssh', 'git'];
const SCP_STYLE =
  /^([a-zA-Z0-9-_]+)@([a-zA-Z0-9-.]+):(.*?)(?:\?(.*?))?(?:#(.*))?$/;

/** Reads an ADD source as a git reference, with BuildKit's rules and errors. */
export function parseGitRef(source: string): GitRefResult {
  if (source.startsWith('./') || source.startsWith('../')) {
    return { isGit: false };
  }
  const url = source.startsWith('github.com/')
    ? splitUrl(`https://${source}`)
    : readRemote(source);
  if (!url) return { isGit: false };
  const github = source.startsWith('github.com/');
  if (
    !github &&
    (url.scheme === 'http' || url.scheme === 'https') &&
    !decodePath(url.path).endsWith('.git')
  ) {
    return { isGit: false };
  }

  const [ref = '', subdir = ''] =
    url.fragment === undefined ? [] : splitFragment(url.fragment);
  const result: GitRef = {
    remote: github ? url.remote.replace(/^https:\/\//, '') : url.remote,
    scheme: url.scheme as GitRef['scheme'],
    ref,
    checksum: '',
    subdir,
    fetchByCommit: false,
    indistinguishableFromLocal: github,
  };
  const error = applyQuery(result, url.query);
  return error ? { isGit: true, error } : { ref: result, isGit: true };
}

/** Says whether an ADD/COPY source names a git repository (BuildKit's isGitSource). */
export function isGitSource(source: string): boolean {
  const parsed = parseGitRef(source);
  return parsed.isGit && parsed.ref !== undefined;
}

/** Says whether a source is an HTTP(S) download rather than a repository. */
export function isHttpSource(source: string): boolean {
  if (!source.startsWith('http://') && !source.startsWith('https://')) {
    return false;
  }
  return !isGitSource(source);
}

/** Says whether a COPY/ADD source is fetched rather than read from a context. */
export function isRemoteSource(
  instruction: 'COPY' | 'ADD',
  source: string,
): boolean {
  if (instruction !== 'ADD') return false;
  const git = parseGitRef(source).ref;
  if (git && !git.indistinguishableFromLocal) return true;
  return isHttpSource(source);
}

/** Says whether a string is a full commit id (SHA-1 or SHA-256, lower-case hex). */
export function isCommitSha(value: string): boolean {
  return (
    (value.length === 40 || value.length === 64) && /^[0-9a-f]+$/.test(value)
  );
}

interface SplitUrl {
  scheme: string;
  remote: string;
  path: string;
  query?: string;
  fragment?: string;
}

function readRemote(source: string): SplitUrl | undefined {
  const proto = /^([a-zA-Z0-9]+):\/\//.exec(source);
  if (proto) {
    const scheme = (proto[1] as string).toLowerCase();
    return PROTOCOLS.includes(scheme) ? splitUrl(source) : undefined;
  }
  const scp = SCP_STYLE.exec(source);
  if (!scp) return undefined;
  const [, user, host, path = '', query, fragment] = scp;
  return {
    scheme: 'ssh',
    remote: `${user}@${host}:${path}`,
    path,
    ...(query ? { query } : {}),
    ...(fragment !== undefined && fragment !== '' ? { fragment } : {}),
  };
}

/** Splits `scheme://authority/path?query#fragment` as Go's url.Parse does. */
function splitUrl(text: string): SplitUrl | undefined {
  const hash = text.indexOf('#');
  const fragment = hash < 0 ? undefined : text.slice(hash + 1);
  const beforeHash = hash < 0 ? text : text.slice(0, hash);
  const mark = beforeHash.indexOf('?');
  const query = mark < 0 ? undefined : beforeHash.slice(mark + 1);
  const remote = mark < 0 ? beforeHash : beforeHash.slice(0, mark);
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/]*)(.*)$/.exec(remote);
  if (!match) return undefined;
  return {
    scheme: (match[1] as string).toLowerCase(),
    remote,
    path: match[3] as string,
    ...(query !== undefined ? { query } : {}),
    ...(fragment ? { fragment: decodeComponent(fragment) } : {}),
  };
}

function splitFragment(fragment: string): [string, string] {
  const colon = fragment.indexOf(':');
  const ref = colon < 0 ? fragment : fragment.slice(0, colon);
  const subdir = colon < 0 ? '' : fragment.slice(colon + 1);
  return [ref, cleanSubdir(subdir)];
}

/** Cleans a subdir as `path.Join("/", s)` without the leading slash. */
function cleanSubdir(subdir: string): string {
  const parts: string[] = [];
  for (const part of subdir.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function applyQuery(
  ref: GitRef,
  query: string | undefined,
): string | undefined {
  if (query === undefined || query === '') return undefined;
  const values = parseQuery(query);
  let tag = '';
  let branch = '';
  for (const [key, list] of values) {
    let value: string | undefined = list[0];
    if (list.length > 1) return `query ${goQuote(key)} has multiple values`;
    if (value === undefined || value === '') {
      if (!['submodules', 'keep-git-dir', 'fetch-by-commit'].includes(key)) {
        return `query ${goQuote(key)} has no value`;
      }
      value = undefined;
    }
    switch (key) {
      case 'ref':
        if (ref.ref !== '' && ref.ref !== value) {
          return `ref conflicts: ${goQuote(ref.ref)} vs ${goQuote(value ?? '')}`;
        }
        ref.ref = value ?? '';
        break;
      case 'tag':
        tag = value ?? '';
        break;
      case 'branch':
        branch = value ?? '';
        break;
      case 'subdir':
        if (ref.subdir !== '' && ref.subdir !== value) {
          return `subdir conflicts: ${goQuote(ref.subdir)} vs ${goQuote(value ?? '')}`;
        }
        ref.subdir = value ?? '';
        break;
      case 'checksum':
      case 'commit':
        ref.checksum = value ?? '';
        break;
      case 'keep-git-dir':
      case 'submodules':
      case 'fetch-by-commit': {
        const flag = value === undefined ? true : parseGoBool(value);
        if (flag === undefined) {
          return `invalid ${key} value: ${goQuote(value ?? '')}`;
        }
        if (key === 'keep-git-dir') ref.keepGitDir = flag;
        else if (key === 'submodules') ref.submodules = flag;
        else ref.fetchByCommit = flag;
        break;
      }
      case 'mtime':
        if (value !== 'checkout' && value !== 'commit') {
          return `invalid mtime value: ${goQuote(value ?? '')} (must be "checkout" or "commit")`;
        }
        ref.mtime = value;
        break;
      default:
        return `unexpected query ${goQuote(key)}`;
    }
  }
  return applyTagAndBranch(ref, tag, branch);
}

function applyTagAndBranch(
  ref: GitRef,
  tag: string,
  branch: string,
): string | undefined {
  if (tag !== '') {
    const full = tag.startsWith('refs/tags/') ? tag : `refs/tags/${tag}`;
    if (ref.ref !== '' && ref.ref !== full) {
      return `ref conflicts: ${goQuote(ref.ref)} vs ${goQuote(full)}`;
    }
    ref.ref = full;
  }
  if (branch !== '') {
    if (tag !== '') return 'branch conflicts with tag';
    const full = branch.startsWith('refs/heads/')
      ? branch
      : `refs/heads/${branch}`;
    if (ref.ref !== '' && ref.ref !== full) {
      return `ref conflicts: ${goQuote(ref.ref)} vs ${goQuote(full)}`;
    }
    ref.ref = full;
  }
  return undefined;
}

/** Parses a query string into keys and their values, in first-seen order. */
function parseQuery(query: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decodeComponent(eq < 0 ? pair : pair.slice(0, eq), true);
    const value = eq < 0 ? '' : decodeComponent(pair.slice(eq + 1), true);
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return values;
}

function decodePath(path: string): string {
  return decodeComponent(path);
}

function decodeComponent(text: string, plusIsSpace = false): string {
  const spaced = plusIsSpace ? text.replaceAll('+', ' ') : text;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}
