// Extended attributes of a whole tree in one `getfattr` run (Node has no
// xattr API), as raw bytes per path relative to the tree's root.

import { execFile, type ExecFileOptions } from 'node:child_process';
import { promisify } from 'node:util';

/** execFile as a promise; child_process loads on first use, not at start. */
const run = (
  file: string,
  args: string[],
  options: ExecFileOptions & { encoding: BufferEncoding },
) => promisify(execFile)(file, args, options);

/** Attribute values by name, per relative path. */
export type XattrMap = Map<string, Map<string, Buffer>>;

/** Reads every extended attribute under `root` except `system.*` (ACLs). */
export async function readXattrs(root: string): Promise<XattrMap> {
  let stdout = '';
  try {
    ({ stdout } = await run(
      'getfattr',
      ['-R', '-P', '-h', '-d', '-m', '-', '-e', 'base64', '.'],
      { cwd: root, maxBuffer: 1 << 30, encoding: 'latin1' },
    ));
  } catch (error) {
    const failed = error as NodeJS.ErrnoException & { stdout?: string };
    if (failed.code === 'ENOENT') {
      throw new Error('getfattr is missing: apt-get install attr');
    }
    // Unreadable entries make getfattr exit 1 but the rest is printed.
    stdout = failed.stdout ?? '';
  }
  return parseGetfattr(stdout);
}

/** Parses `getfattr -d -e base64` output. */
export function parseGetfattr(text: string): XattrMap {
  const out: XattrMap = new Map();
  let current: Map<string, Buffer> | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# file: ')) {
      const name = unescapeName(line.slice('# file: '.length));
      current = new Map();
      out.set(name.replace(/^\.\//, '').replace(/^\.$/, ''), current);
      continue;
    }
    const eq = line.indexOf('=');
    if (!current || eq <= 0) continue;
    const key = line.slice(0, eq);
    if (key.startsWith('system.')) continue;
    current.set(key, decodeValue(line.slice(eq + 1)));
  }
  for (const [name, attrs] of out) if (attrs.size === 0) out.delete(name);
  return out;
}

function decodeValue(value: string): Buffer {
  if (value.startsWith('0s')) return Buffer.from(value.slice(2), 'base64');
  if (value.startsWith('0x')) return Buffer.from(value.slice(2), 'hex');
  return Buffer.from(value.replace(/^"|"$/g, ''), 'latin1');
}

/** getfattr writes unusual bytes of names as `\ooo`; the text came as latin1. */
function unescapeName(name: string): string {
  const bytes = Buffer.from(
    name.replace(/\\([0-7]{3})/g, (_, octal: string) =>
      String.fromCharCode(parseInt(octal, 8)),
    ),
    'latin1',
  );
  return bytes.toString('utf8');
}
