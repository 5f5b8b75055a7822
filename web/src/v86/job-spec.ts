// The job file the guest's exec helper reads (scripts/guest/exec-helper.c):
// NUL-terminated fields for root, cwd, user, groups, argv and env.

/** One process to start in the guest. */
export interface GuestJob {
  args: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
}

/** Encodes a job for the exec helper, chrooting into `root` (a guest path). */
export function encodeJobSpec(job: GuestJob, root: string): Uint8Array {
  if (job.args.length === 0) throw new Error('a job needs a program to run');
  const fields = [
    root,
    job.cwd || '/',
    String(job.uid),
    String(job.gid),
    String(job.additionalGids.length),
    ...job.additionalGids.map(String),
    String(job.args.length),
    ...job.args,
    String(job.env.length),
    ...job.env,
  ];
  for (const field of fields) {
    if (field.includes('\0')) {
      throw new Error(`a NUL byte cannot be passed to a process: ${field}`);
    }
  }
  return new TextEncoder().encode(fields.map((f) => `${f}\0`).join(''));
}
