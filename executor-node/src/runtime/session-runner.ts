// Lends a build session to RUN steps: wraps the container runner so a step
// with secret or SSH mounts gets its secret files, env vars and agent
// sockets, and its recorded environment keeps no secret value.

import type {
  OciMount,
  RunRequest,
  RunResult,
  Runner,
} from '../../../core/src/index.ts';
import type { BuildSession } from '../session/build-session.ts';
import { prepareSessionMounts } from './session-mounts.ts';

/** A run request with host paths to bind in as they are. */
export type HostRunRequest = RunRequest & { hostMounts?: OciMount[] };

/** Runs steps with `inner`, adding what their secret and SSH mounts need. */
export class SessionRunner implements Runner {
  constructor(
    private readonly inner: Runner,
    private readonly session: BuildSession,
  ) {}

  async run(
    request: RunRequest,
    onOutput: (stream: 1 | 2, data: string) => void,
  ): Promise<RunResult> {
    const prepared = await prepareSessionMounts(request.mounts, this.session);
    if (prepared.mounts.length === 0 && prepared.env.length === 0) {
      await prepared.release();
      return this.inner.run(request, onOutput);
    }
    try {
      const withSession: HostRunRequest = {
        ...request,
        env: [...request.env, ...prepared.env],
        hostMounts: prepared.mounts,
      };
      const result = await this.inner.run(withSession, onOutput);
      return { ...result, env: withoutEntries(result.env, prepared.env) };
    } finally {
      await prepared.release();
    }
  }
}

/** Drops the last occurrence of each of `entries` from `env`. */
function withoutEntries(env: string[], entries: string[]): string[] {
  const out = [...env];
  for (const entry of entries) {
    const at = out.lastIndexOf(entry);
    if (at >= 0) out.splice(at, 1);
  }
  return out;
}
