// RUN: the argv (shell or exec form, heredocs as BuildKit assembles them),
// environment, mounts with their sources, and each --device resolved
// against the CDI registry and the build's entitlement.

import type { DeviceResolution } from '../model/cdi.ts';
import type { RunInstruction, RunMount } from '../model/instructions.ts';
import type { InlineFile, RunVertex } from '../model/plan.ts';
import { resolveStepDevices } from '../cdi/step-devices.ts';
import { checkUndefinedVars } from '../checks/dispatch-checks.ts';
import { goQuote } from '../diagnostics/go-quote.ts';
import { expandWord } from '../expand/expand-word.ts';
import { isHeredocWord } from '../instructions/copy.ts';
import { parseMount } from '../instructions/run-mount.ts';
import { hashParts } from './vertex-id.ts';
import type { DispatchContext, StageState } from './dispatch-context.ts';
import {
  addVertex,
  nextStepName,
  platformName,
  reportError,
  stepText,
} from './dispatch-context.ts';
import { envAddAll, envGet, envLookup, envToStrings } from './env-list.ts';
import { withShell } from './plan-image-config.ts';
import type { StageCommand } from './stage-graph.ts';

const PROXY_ARGS = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'FTP_PROXY',
  'ftp_proxy',
  'NO_PROXY',
  'no_proxy',
  'ALL_PROXY',
  'all_proxy',
];

/** Plans a RUN step. */
export function planRun(
  ctx: DispatchContext,
  state: StageState,
  command: StageCommand,
  c: RunInstruction,
) {
  const location = { file: ctx.file, range: c.range };
  const { args, files, summary } = runArgs(state, c);

  const mounts = planMounts(ctx, state, command, c);
  if (!mounts) return;
  checkEntitlements(ctx, c);
  const devices = planDevices(ctx, c);

  const platform = platformName(state.platform);
  const network = c.network ?? 'default';
  const env = envToStrings(withSshAuthSock(state, mounts.list));
  const inputs = [
    ...(state.result ? [state.result] : []),
    ...mounts.inputs.filter((id) => id !== state.result),
  ];
  const id = hashParts(
    [
      'exec',
      platform,
      args,
      env,
      state.dir,
      state.user,
      network,
      c.security ?? 'sandbox',
      mounts.keyed,
      c.devices.map((d) => [d.name, d.required]),
      files.map((f) => [f.path, f.content, f.mode ?? 0]),
      inputs,
    ],
    ctx.idMemo,
  );

  const masked = withSecretEnvMask(state, mounts.list);
  const text = stepText(ctx, masked, c.original + summary, {
    rawQuotes: true,
    skipUnsetEnv: true,
  });
  const vertex: RunVertex = {
    kind: 'run',
    id,
    stage: state.node.index,
    platform,
    name: nextStepName(ctx, state, text),
    text,
    location,
    inputs,
    args,
    env: withProxyEnv(ctx, env),
    cwd: state.dir,
    user: state.user,
    network,
    ...(c.security === 'insecure' ? { security: 'insecure' as const } : {}),
    mounts: mounts.list,
    devices,
    files,
  };
  addVertex(ctx, state, vertex);
}

// The step's env, then the proxy build args it does not set itself.
function withProxyEnv(ctx: DispatchContext, env: string[]): string[] {
  const proxies = proxyEnv(ctx, env);
  return proxies.length === 0 ? env : [...env, ...proxies];
}

/** Builds the argv, the files a heredoc needs, and the name suffix BuildKit adds. */
function runArgs(
  state: StageState,
  c: RunInstruction,
): { args: string[]; files: InlineFile[]; summary: string } {
  if (c.command.form === 'exec' || c.heredocs.length === 0) {
    return { args: withShell(state.config, c.command), files: [], summary: '' };
  }
  const script = c.command.script;
  if (c.heredocs.length === 1 && isHeredocWord(script.trim())) {
    const doc = c.heredocs[0];
    const summary = ` (${summarize(doc.content)})`;
    if (doc.content.startsWith('#!')) {
      const path = `/dev/pipes/${doc.name}`;
      const files = [{ path, content: doc.content, mode: 0o755 }];
      return {
        args: withShell(state.config, { form: 'shell', script: path }),
        files,
        summary,
      };
    }
    return {
      args: withShell(state.config, { form: 'shell', script: doc.content }),
      files: [],
      summary,
    };
  }
  let assembled = script;
  for (const doc of c.heredocs) assembled += `\n${doc.content}${doc.name}`;
  return {
    args: withShell(state.config, { form: 'shell', script: assembled }),
    files: [],
    summary: '',
  };
}

function summarize(content: string): string {
  const lines = content.trim().replaceAll('\r\n', '\n').split('\n');
  return lines.length > 1 ? `${lines[0]}...` : lines[0];
}

function planMounts(
  ctx: DispatchContext,
  state: StageState,
  command: StageCommand,
  c: RunInstruction,
): { list: RunMount[]; keyed: unknown[]; inputs: string[] } | undefined {
  const list: RunMount[] = [];
  const keyed: unknown[] = [];
  const inputs: string[] = [];
  let sshCount = 0;
  for (const [i, raw] of c.mounts.entries()) {
    const lookup = envLookup(state.env);
    const parsed = parseMount(raw.raw, (value) => {
      const expanded = expandWord(value, lookup, ctx.escapeToken);
      if (expanded.unmatched.length > 0) {
        const keys = state.env.map(([key]) => key);
        const { unmatched } = expanded;
        checkUndefinedVars(ctx.lint, unmatched, state.buildArgs, keys, c.range);
      }
      return expanded;
    });
    if (parsed.error !== undefined) {
      reportError(ctx, 'invalid-mount', parsed.error, c.range);
      return undefined;
    }
    const mount = sessionMount(parsed.mount, sshCount);
    if (typeof mount === 'string') {
      reportError(ctx, 'invalid-mount', mount, c.range);
      return undefined;
    }
    if (mount.type === 'ssh') sshCount++;
    const source = command.sources[i];
    let sourceId: string | undefined;
    if (mount.from && source) {
      const sourceState = ctx.states.get(source);
      if (!sourceState) {
        reportError(
          ctx,
          'mount-from-later-stage',
          `cannot mount from stage ${goQuote(mount.from)} to ${goQuote(mount.target ?? '')}, stage needs to be defined before current command`,
          c.range,
        );
        return undefined;
      }
      sourceId = sourceState.result;
      if (sourceId) inputs.push(sourceId);
    }
    list.push(mount);
    keyed.push({
      ...mount,
      raw: undefined,
      from: mount.from ? { vertex: sourceId ?? null } : undefined,
    });
  }
  return { list, keyed, inputs };
}

/**
 * Fills in what the frontend decides for secret and SSH mounts: a secret's
 * id (its source, id or target's base name) and file (`/run/secrets/<id>`
 * unless it is only an env var), and each agent socket's path
 * (`/run/buildkit/ssh_agent.N`, N counting the step's SSH mounts).
 */
function sessionMount(mount: RunMount, sshIndex: number): RunMount | string {
  if (mount.type === 'secret') {
    const id = mount.source || mount.id || baseName(mount.target ?? '');
    const target =
      mount.env === undefined
        ? mount.target || `/run/secrets/${baseName(id)}`
        : mount.target;
    return { ...mount, id, ...(target ? { target } : {}) };
  }
  if (mount.type === 'ssh') {
    if (mount.source) return 'ssh does not support source';
    const target = mount.target || `/run/buildkit/ssh_agent.${sshIndex}`;
    return { ...mount, target };
  }
  return mount;
}

/** Points SSH_AUTH_SOCK at the first agent socket unless the stage sets it. */
function withSshAuthSock(state: StageState, mounts: RunMount[]) {
  const first = mounts.find((m) => m.type === 'ssh');
  if (!first?.target || envGet(state.env, 'SSH_AUTH_SOCK') !== undefined) {
    return state.env;
  }
  return envAddAll(state.env, [['SSH_AUTH_SOCK', first.target]]);
}

/** Shows secret env vars as `****` in the step's name, as BuildKit does. */
function withSecretEnvMask(state: StageState, mounts: RunMount[]): StageState {
  const names = mounts.flatMap((m) =>
    m.type === 'secret' && m.env !== undefined ? [m.env] : [],
  );
  if (names.length === 0) return state;
  const masked: [string, string][] = [...new Set(names)].map((name) => [
    name,
    '****',
  ]);
  return { ...state, env: envAddAll(state.env, masked) };
}

/** Returns the last element of a slash path, as Go's `path.Base` does. */
function baseName(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return p === '' ? '.' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function checkEntitlements(ctx: DispatchContext, c: RunInstruction) {
  if (c.network === 'host' && !ctx.options.networkHost) {
    reportError(
      ctx,
      'entitlement-not-granted',
      'network.host is not allowed',
      c.range,
    );
  }
  if (c.security === 'insecure' && !ctx.options.securityInsecure) {
    reportError(
      ctx,
      'entitlement-not-granted',
      'security.insecure is not allowed',
      c.range,
    );
  }
}

function planDevices(
  ctx: DispatchContext,
  c: RunInstruction,
): DeviceResolution[] {
  // A frontend that does not know the flag already failed reading it.
  if (c.devices.length === 0 || ctx.devices === 'unknown-flag') return [];
  if (ctx.devices === 'mainline') {
    reportError(
      ctx,
      'device-needs-labs',
      'device feature is only supported in Dockerfile frontend 1.14.0-labs or later',
      c.range,
    );
    return [];
  }
  const step = resolveStepDevices(
    ctx.registry,
    c.devices.map((d) => ({ name: d.name, required: d.required })),
    ctx.options.device,
  );
  if (step.error !== undefined) {
    reportError(ctx, deviceCode(step.error), step.error, c.range);
  }
  for (const warning of step.warnings) {
    ctx.diagnostics.push({
      code: 'device-not-registered',
      severity: 'warning',
      message: warning,
      location: { file: ctx.file, range: c.range },
    });
  }
  return step.requests;
}

function deviceCode(error: string): string {
  return error.includes('not allowed')
    ? 'device-not-allowed'
    : 'device-not-registered';
}

function proxyEnv(ctx: DispatchContext, env: string[]): string[] {
  const out: string[] = [];
  for (const name of PROXY_ARGS) {
    if (!Object.hasOwn(ctx.options.buildArgs, name)) continue;
    if (env.some((e) => e.startsWith(`${name}=`))) continue;
    out.push(`${name}=${ctx.options.buildArgs[name]}`);
  }
  return out;
}
