// overlayfs for snapshots: whether this host can use it under a folder,
// mounting a stack of layer folders, unmounting, and finding leftover mounts.

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Overlay options that keep the upper folder a plain OCI-convertible diff. */
const PLAIN_UPPER = ['redirect_dir=off', 'metacopy=off', 'index=off'];

/**
 * Skips the sync of the whole upper filesystem an overlay does when it is
 * unmounted (Linux 5.10+). Snapshots are committed by rename without fsync,
 * so the sync bought nothing and cost each step half a millisecond here, more
 * when other work has dirty pages. The kernel then leaves
 * `work/incompat/volatile` in the work folder, which must go before the folder
 * is used again.
 */
const VOLATILE = kernelAtLeast(os.release(), 5, 10) ? ['volatile'] : [];

/** util-linux's tools; absolute paths spare a search of PATH per mount. */
const MOUNT = fs.existsSync('/usr/bin/mount') ? '/usr/bin/mount' : 'mount';
const UMOUNT = fs.existsSync('/usr/bin/umount') ? '/usr/bin/umount' : 'umount';

/** The kernel reads mount options from one page. */
const MAX_OPTIONS = 4000;

/** What one overlay mount stacks. */
export interface OverlayMount {
  /** Layer folders, top first, relative to `cwd` to keep the options short. */
  lowers: string[];
  /** Writable folder and the overlay's work folder; both absent for a read-only view. */
  upper?: string;
  work?: string;
  target: string;
  cwd: string;
}

const probed = new Map<string, boolean>();

/**
 * Reports whether overlayfs mounts work in the folder `dir`: probed once per
 * folder and kernel, the answer kept in the file `record`.
 */
export function overlayUsable(
  dir: string,
  record = path.join(dir, '.overlay-probe'),
): boolean {
  const known = probed.get(dir);
  if (known !== undefined) return known;
  const kernel = `${os.release()} uid=${process.getuid?.()}`;
  try {
    const [seen, answer] = fs.readFileSync(record, 'utf8').split('\n');
    if (seen === kernel && (answer === 'yes' || answer === 'no')) {
      probed.set(dir, answer === 'yes');
      return answer === 'yes';
    }
  } catch {
    // Not probed here yet.
  }
  const usable = probeOverlay(dir);
  probed.set(dir, usable);
  try {
    fs.writeFileSync(record, `${kernel}\n${usable ? 'yes' : 'no'}`);
  } catch {
    // A folder we cannot write to is probed again next time.
  }
  return usable;
}

function probeOverlay(dir: string): boolean {
  let usable = false;
  if (process.getuid?.() === 0 && kernelHasOverlay()) {
    const probe = path.join(
      dir,
      `probe-${process.pid}-${crypto.randomBytes(4).toString('hex')}`,
    );
    fs.mkdirSync(probe, { recursive: true });
    try {
      for (const sub of ['lower', 'upper', 'work', 'merged']) {
        fs.mkdirSync(path.join(probe, sub));
      }
      fs.writeFileSync(path.join(probe, 'lower', 'file'), 'x');
      mountOverlay({
        lowers: ['lower'],
        upper: 'upper',
        work: 'work',
        target: path.join(probe, 'merged'),
        cwd: probe,
      });
      try {
        fs.rmSync(path.join(probe, 'merged', 'file'));
        const whiteout = fs.lstatSync(path.join(probe, 'upper', 'file'));
        usable = whiteout.isCharacterDevice() && whiteout.rdev === 0;
      } finally {
        unmount(path.join(probe, 'merged'));
      }
    } catch {
      usable = false;
    } finally {
      fs.rmSync(probe, { recursive: true, force: true });
    }
  }
  return usable;
}

/** Returns the mount options of an overlay; throws when they do not fit. */
export function overlayOptions(spec: OverlayMount): string {
  const options = [`lowerdir=${spec.lowers.join(':')}`];
  if (spec.upper && spec.work) {
    options.push(`upperdir=${spec.upper}`, `workdir=${spec.work}`);
    options.push(...VOLATILE);
  }
  options.push(...PLAIN_UPPER);
  const text = options.join(',');
  if (text.length > MAX_OPTIONS) {
    throw new Error(
      `too many layers (${spec.lowers.length}) for one overlay mount`,
    );
  }
  return text;
}

/** Mounts an overlay; throws with the mount command's message on failure. */
export function mountOverlay(spec: OverlayMount): void {
  const text = overlayOptions(spec);
  execFileSync(MOUNT, ['-t', 'overlay', 'overlay', '-o', text, spec.target], {
    cwd: spec.cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** Unmounts `target`, detaching it lazily when it is still busy. */
export function unmount(target: string): void {
  try {
    execFileSync(UMOUNT, [target], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch {
    execFileSync(UMOUNT, ['-l', target], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
  }
}

/** Lists mount points at or under `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  let text = '';
  try {
    text = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return text
    .split('\n')
    .map((line) => decodeMountPath(line.split(' ')[4] ?? ''))
    .filter((point) => point === dir || point.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/** Unmounts everything mounted at or under `dir`. */
export function unmountAll(dir: string): void {
  for (const point of mountsUnder(dir)) {
    try {
      unmount(point);
    } catch {
      // Already gone, or another namespace owns it; removal will tell.
    }
  }
}

/** Reports whether a kernel release (`6.1.0-13-amd64`) is at least major.minor. */
export function kernelAtLeast(
  release: string,
  major: number,
  minor: number,
): boolean {
  const [a = 0, b = 0] = release.split(/[.-]/).map((part) => Number(part));
  return a > major || (a === major && b >= minor);
}

function kernelHasOverlay(): boolean {
  try {
    return /\toverlay$/m.test(fs.readFileSync('/proc/filesystems', 'utf8'));
  } catch {
    return false;
  }
}

/** mountinfo escapes space, tab, newline and backslash as octal. */
function decodeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}
