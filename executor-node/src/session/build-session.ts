// What the client side of a build lends its steps, as a BuildKit session
// does: secrets (`--secret`) and SSH agents (`--ssh`).

import { SecretStore } from './secret-store.ts';
import { SshAgents } from './ssh-agents.ts';

/** The secrets and agents one build may use. */
export interface BuildSession {
  secrets?: SecretStore;
  ssh?: SshAgents;
}

/** Opens a session from `--secret` and `--ssh` values; throws buildx's errors. */
export async function openBuildSession(
  flags: { secret?: string[]; ssh?: string[] },
  env: NodeJS.ProcessEnv = process.env,
): Promise<BuildSession> {
  const secrets = SecretStore.fromFlags(flags.secret ?? [], env);
  const ssh = await SshAgents.fromFlags(flags.ssh ?? [], env);
  return { secrets, ssh };
}

/** Stops what a session started (the agents for key files). */
export function closeBuildSession(session: BuildSession): void {
  session.ssh?.close();
}
