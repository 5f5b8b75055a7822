// Build secrets from `--secret id=NAME[,src=FILE|,env=VAR]`, read with
// buildx's rules: files are checked when the build starts and read only when
// a step mounts them; nothing is kept anywhere else.

import fs from 'node:fs';

import { splitCsv } from '../../../core/src/index.ts';

/** One `--secret` flag. */
export interface SecretSpec {
  id: string;
  /** A host file holding the value. */
  src?: string;
  /** A host environment variable holding the value. */
  env?: string;
}

/** The largest secret buildx sends (500 KiB). */
export const MAX_SECRET_SIZE = 500 * 1024;

/** Reads one `--secret` value; throws with buildx's text when it is malformed. */
export function parseSecretSpec(value: string): SecretSpec {
  const fields = splitCsv(value);
  if (!fields.ok)
    throw new Error(`failed to parse csv secret: ${fields.error}`);
  const spec: SecretSpec = { id: '' };
  let type: string | undefined;
  for (const field of fields.values) {
    const eq = field.indexOf('=');
    if (eq < 0) {
      throw new Error(`invalid field '${field}' must be a key=value pair`);
    }
    const key = field.slice(0, eq).toLowerCase();
    const item = field.slice(eq + 1);
    if (key === 'type') {
      if (item !== 'file' && item !== 'env') {
        throw new Error(`unsupported secret type ${JSON.stringify(item)}`);
      }
      type = item;
    } else if (key === 'id') spec.id = item;
    else if (key === 'source' || key === 'src') spec.src = item;
    else if (key === 'env') spec.env = item;
    else throw new Error(`unexpected key '${key}' in '${field}'`);
  }
  if (type === 'env' && !spec.env) {
    spec.env = spec.src;
    delete spec.src;
  }
  return spec;
}

/** Serves secret values by id, from files or the environment. */
export class SecretStore {
  private readonly specs = new Map<string, SecretSpec>();

  /**
   * Checks the specs as buildx does before a build: every one needs an id,
   * a bare id reads the variable of that name when set (else the file of
   * that name), and a file must exist and be no larger than 500 KiB.
   */
  constructor(
    specs: SecretSpec[],
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    for (const given of specs) {
      if (!given.id) throw new Error('secret missing ID');
      const spec = { ...given };
      if (!spec.env && !spec.src) {
        if (env[spec.id] !== undefined) spec.env = spec.id;
        else spec.src = spec.id;
      }
      if (spec.src && !spec.env) checkFile(spec.id, spec.src);
      this.specs.set(spec.id, spec);
    }
  }

  /** Creates a store from `--secret` flag values. */
  static fromFlags(
    values: string[],
    env: NodeJS.ProcessEnv = process.env,
  ): SecretStore {
    return new SecretStore(
      values.filter((v) => v !== '').map(parseSecretSpec),
      env,
    );
  }

  /** Reports whether a secret with this id was given. */
  has(id: string): boolean {
    return this.specs.has(id);
  }

  /** Returns a secret's value, or undefined when no such secret was given. */
  get(id: string): Buffer | undefined {
    const spec = this.specs.get(id);
    if (!spec) return undefined;
    if (spec.env) return Buffer.from(this.env[spec.env] ?? '');
    const data = fs.readFileSync(spec.src ?? '');
    if (data.length > MAX_SECRET_SIZE) {
      throw new Error(`invalid secret size ${data.length}`);
    }
    return data;
  }
}

function checkFile(id: string, file: string): void {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'no such file or directory'
        : (error as Error).message;
    throw new Error(`failed to stat ${file}: stat ${file}: ${reason}`);
  }
  if (size > MAX_SECRET_SIZE) {
    throw new Error(`secret ${id} too big. max size 500KiB`);
  }
}
