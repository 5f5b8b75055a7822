// The WASI runner in Chromium: the committed hello.wasm (examples/wasi-hello)
// runs over a stage's files with browser_wasi_shim, and what it writes is
// the step's change; bad programs and traps fail the way a runtime does.

import { PreopenDirectory, wasi } from '@bjorn3/browser_wasi_shim';
import { expect } from '@esm-bundle/chai';
import type { RunRequest } from '../../core/src/index.ts';
import {
  diffTrees,
  emptyDir,
  lookup,
  putNode,
  walkTree,
  type DirNode,
} from '../src/v86/file-tree.ts';
import { MemorySnapshotter } from '../src/v86/memory-snapshotter.ts';
import type { RunNote } from '../src/v86/v86-runner.ts';
import {
  WasiRunner,
  runImageEntrypoint,
  wasiEntrypoint,
} from '../src/wasi/wasi-runner.ts';
import { isWasiStep } from '../src/wasi/wasi-step.ts';
import { toWasiRoot } from '../src/wasi/wasi-tree.ts';

const text = (s: string) => new TextEncoder().encode(s);
const meta = { uid: 0, gid: 0, mtime: 0 };
const DATA = 'This file was copied into the image from the build context.\n';

// A command module whose _start traps at once: (func unreachable).
const TRAPS = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00,
  0x00, 0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02,
  0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00, 0x06, 0x5f, 0x73, 0x74,
  0x61, 0x72, 0x74, 0x00, 0x00, 0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b,
]);

let hello: Uint8Array;

before(async () => {
  const response = await fetch('/examples/wasi-hello/hello.wasm');
  expect(response.ok).to.equal(true);
  hello = new Uint8Array(await response.arrayBuffer());
});

/** A stage's root: the module, its data file and a link to the data. */
function stageRoot(): DirNode {
  const root = emptyDir();
  putNode(root, '/hello.wasm', {
    type: 'file',
    ...meta,
    mode: 0o755,
    data: hello,
  });
  putNode(root, '/data.txt', {
    type: 'file',
    ...meta,
    mode: 0o644,
    data: text(DATA),
  });
  putNode(root, '/etc/data-link', {
    type: 'symlink',
    ...meta,
    mode: 0o777,
    target: '../data.txt',
  });
  putNode(root, '/dev/null', {
    type: 'special',
    ...meta,
    mode: 0o666,
    kind: 'char',
    major: 1,
    minor: 3,
  });
  return root;
}

function read(root: DirNode, path: string): string | undefined {
  const found = lookup(root, path);
  return found?.node.type === 'file'
    ? new TextDecoder().decode(found.node.data)
    : undefined;
}

/** Runs one RUN request over a committed copy of `root`, as a solve does. */
async function runStep(
  root: DirNode,
  args: string[],
  extra: Partial<RunRequest> = {},
) {
  const snapshots = new MemorySnapshotter();
  snapshots.put('parent', root);
  const notes: RunNote[] = [];
  const runner = new WasiRunner({ snapshots, onNote: (n) => notes.push(n) });
  const rootfs = await snapshots.prepare('step', 'parent');
  let stdout = '';
  let stderr = '';
  const result = await runner.run(
    {
      vertex: 'sha256:step',
      rootfs,
      platform: 'wasi/wasm',
      args,
      env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'HELLO_NAME=Chromium'],
      cwd: '/',
      user: '',
      network: 'default',
      mounts: [],
      devices: [],
      files: [],
      ...extra,
    },
    (stream, data) => {
      if (stream === 1) stdout += data;
      else stderr += data;
    },
  );
  await snapshots.commit(rootfs);
  return {
    result,
    stdout,
    stderr,
    notes,
    tree: snapshots.committedTree('step'),
    changes: runner.changes.get('sha256:step') ?? [],
  };
}

describe('WASI runner', () => {
  it('runs hello.wasm: greeting, argv, env and the stage root it sees', async () => {
    const { result, stdout, stderr, changes } = await runStep(stageRoot(), [
      '/hello.wasm',
      'one arg',
    ]);
    expect(stderr).to.equal('');
    expect(result.exitCode).to.equal(0);
    expect(stdout).to.equal(
      [
        'Hello, Chromium, from WebAssembly (wasm32-wasi)!',
        'argv[0] = /hello.wasm',
        'argv[1] = one arg',
        'files in /:',
        '  data.txt',
        '  dev',
        '  etc',
        '  hello.wasm',
        `/data.txt: ${DATA}`,
      ].join('\n'),
    );
    expect(changes).to.deep.equal([]);
  });

  it('keeps what the program writes as the step change, parent untouched', async () => {
    const parent = stageRoot();
    const { result, stdout, tree, changes } = await runStep(parent, [
      '/hello.wasm',
      '--write',
      '/out/built.txt',
    ]);
    // No /out folder: the program cannot create the file.
    expect(result.exitCode).to.equal(1);
    expect(changes).to.deep.equal([]);

    const made = await runStep(parent, [
      '/hello.wasm',
      '--write',
      '/built.txt',
    ]);
    expect(made.result.exitCode).to.equal(0);
    expect(made.stdout).to.contain('wrote /built.txt');
    expect(made.changes).to.deep.equal([
      { path: '/built.txt', change: 'added' },
    ]);
    expect(read(made.tree, '/built.txt')).to.equal(
      'written by hello.wasm during the build\n',
    );
    const built = lookup(made.tree, '/built.txt')!.node;
    expect([built.mode, built.uid, built.gid]).to.deep.equal([0o644, 0, 0]);
    expect(read(parent, '/built.txt')).to.equal(undefined);
    expect(stdout).to.contain('argv[2] = /out/built.txt');
    expect(tree).to.not.equal(parent);
  });

  it('writes through a link into its target and keeps the link and device node', async () => {
    const parent = stageRoot();
    const { result, tree, changes } = await runStep(parent, [
      '/hello.wasm',
      '--write',
      '/etc/data-link',
    ]);
    expect(result.exitCode).to.equal(0);
    expect(changes).to.deep.equal([{ path: '/data.txt', change: 'modified' }]);
    expect(lookup(tree, '/etc/data-link', false)?.node.type).to.equal(
      'symlink',
    );
    expect(lookup(tree, '/dev/null')?.node.type).to.equal('special');
    expect(read(tree, '/data.txt')).to.equal(
      'written by hello.wasm during the build\n',
    );
    // The parent's bytes were not written in place.
    expect(read(parent, '/data.txt')).to.equal(DATA);
  });

  it('finds a bare program name along PATH and makes the working directory', async () => {
    const root = stageRoot();
    putNode(root, '/usr/bin/hello.wasm', {
      type: 'file',
      ...meta,
      mode: 0o755,
      data: hello,
    });
    const { result, stdout, tree, changes } = await runStep(
      root,
      ['hello.wasm'],
      {
        cwd: '/work/dir',
      },
    );
    expect(result.exitCode).to.equal(0);
    expect(stdout).to.contain('argv[0] = hello.wasm');
    expect(lookup(tree, '/work/dir')?.node.type).to.equal('dir');
    // Made before the program starts, as in the guest: in the layer, not
    // among the program's own changes.
    expect(changes).to.deep.equal([]);
  });

  it('refuses what is not a WebAssembly program, as exec would', async () => {
    const root = stageRoot();
    putNode(root, '/bin/sh', {
      type: 'file',
      ...meta,
      mode: 0o755,
      data: text('#!\n'),
    });
    const failure = async (args: string[]) => {
      try {
        await runStep(root, args);
      } catch (error) {
        return (error as Error).message;
      }
      return 'started';
    };
    expect(await failure(['/bin/sh', '-c', 'true'])).to.equal(
      'exec: "/bin/sh": /bin/sh is not a WebAssembly module (WASI steps run WebAssembly programs only)',
    );
    expect(await failure(['/missing.wasm'])).to.equal(
      'exec: "/missing.wasm": stat /missing.wasm: no such file or directory',
    );
    expect(await failure(['nothere'])).to.equal(
      'exec: "nothere": executable file not found in $PATH',
    );
  });

  it('reports a trap on stderr with exit code 134', async () => {
    const root = stageRoot();
    putNode(root, '/trap.wasm', {
      type: 'file',
      ...meta,
      mode: 0o755,
      data: TRAPS,
    });
    const { result, stderr, stdout } = await runStep(root, ['/trap.wasm']);
    expect(result.exitCode).to.equal(134);
    expect(stdout).to.equal('');
    expect(stderr).to.match(/^wasm trap: unreachable/);
  });

  it('notes the mounts a WASI step does not get', async () => {
    const { notes } = await runStep(stageRoot(), ['/hello.wasm'], {
      mounts: [
        {
          mount: {
            type: 'cache',
            target: '/cache',
            raw: 'type=cache,target=/cache',
          },
        } as RunRequest['mounts'][number],
      ],
    });
    expect(notes.map((n) => n.message)).to.deep.equal([
      '--mount type=cache,target=/cache: not applied to a WASI step',
    ]);
  });

  it('runs an image entrypoint with its CMD and env, keeping nothing', async () => {
    const root = stageRoot();
    const config = {
      env: ['PATH=/usr/bin', 'HELLO_NAME=image'],
      workingDir: '/',
      entrypoint: ['/hello.wasm'],
      cmd: ['from', 'the', 'image'],
      labels: {},
      exposedPorts: [],
      volumes: [],
      shell: ['/bin/sh', '-c'],
      onBuild: [],
    };
    expect(wasiEntrypoint(root, config)).to.deep.equal([
      '/hello.wasm',
      'from',
      'the',
      'image',
    ]);
    expect(
      wasiEntrypoint(root, { ...config, entrypoint: ['/data.txt'] }),
    ).to.equal(undefined);
    const report = await runImageEntrypoint(root, config);
    expect(report.exitCode).to.equal(0);
    expect(report.stdout).to.contain('Hello, image, from WebAssembly');
    expect(report.stdout).to.contain('argv[3] = image');
    expect(report.stdout).to.contain(`/data.txt: ${DATA}`);
    expect(report.stderr).to.equal('');

    const written = await runImageEntrypoint(root, config, [
      '--write',
      '/x.txt',
    ]);
    expect(written.stdout).to.contain('wrote /x.txt');
    const names: string[] = [];
    walkTree(root, (p) => names.push(p));
    expect(names).to.not.include('/x.txt');
  });

  it('reads removals, renames and new folders back through the shim', () => {
    const root = stageRoot();
    putNode(root, '/etc/conf/a.txt', {
      type: 'file',
      ...meta,
      mode: 0o600,
      data: text('a'),
    });
    const mapped = toWasiRoot(root);
    const dir = new PreopenDirectory('/', mapped.contents);
    expect(dir.path_unlink_file('data.txt')).to.equal(wasi.ERRNO_SUCCESS);
    const moved = dir.path_unlink('etc/conf/a.txt');
    expect(dir.path_link('b.txt', moved.inode_obj!, false)).to.equal(
      wasi.ERRNO_SUCCESS,
    );
    expect(dir.path_create_directory('new/')).to.equal(wasi.ERRNO_SUCCESS);
    const after = mapped.read(42, { uid: 7, gid: 8 });

    expect(diffTrees(root, after)).to.deep.equal([
      { path: '/b.txt', change: 'added' },
      { path: '/data.txt', change: 'deleted' },
      { path: '/etc/conf/a.txt', change: 'deleted' },
      { path: '/new', change: 'added' },
    ]);
    // A moved file keeps its owner and mode; a new folder gets the step's user.
    const b = lookup(after, '/b.txt')!.node;
    expect([b.mode, read(after, '/b.txt')]).to.deep.equal([0o600, 'a']);
    const made = lookup(after, '/new')!.node;
    expect([made.mode, made.uid, made.gid, made.mtime]).to.deep.equal([
      0o755, 7, 8, 42,
    ]);
    // The dangling link now, and the device node, are kept as they were.
    expect(lookup(after, '/etc/data-link', false)?.node.type).to.equal(
      'symlink',
    );
    expect(lookup(after, '/dev/null')?.node.type).to.equal('special');
    // Untouched nodes are the same objects.
    expect(lookup(after, '/hello.wasm')!.node).to.equal(
      lookup(root, '/hello.wasm')!.node,
    );
  });

  it('picks WASI for wasi/wasm steps and for .wasm programs only', () => {
    expect(isWasiStep('wasi/wasm', ['/bin/sh', '-c', 'x'])).to.equal(true);
    expect(isWasiStep('WASI/wasm', ['/app'])).to.equal(true);
    expect(isWasiStep('wasip1/wasm', ['/app'])).to.equal(true);
    expect(isWasiStep('linux/386', ['/tools/x.wasm'])).to.equal(true);
    expect(isWasiStep('linux/386', ['/bin/sh', '-c', 'x.wasm'])).to.equal(
      false,
    );
    expect(isWasiStep('linux/wasm', ['/app'])).to.equal(false);
  });
});
