// Renders a BuildPlan for people: per platform the stages built and skipped,
// the args they see, every step with its vertex id, and each device request.

import type {
  BuildPlan,
  CdiContainerEdits,
  CdiSpecFile,
  DeviceResolution,
  Diagnostic,
  PlatformPlan,
  SourceTexts,
  StagePlan,
} from '../../../core/src/index.ts';
import { findCheckRule, formatDiagnostic } from '../../../core/src/index.ts';

/**
 * Returns the readable plan text; `source` (the Dockerfile) and the CDI spec
 * files give the diagnostics their excerpts.
 */
export function formatPlan(
  plan: BuildPlan,
  source: string,
  cdiSpecs: CdiSpecFile[] = [],
): string {
  const lines: string[] = [];
  const options = plan.options;
  lines.push(`Dockerfile: ${plan.file}`);
  lines.push(`Instructions: ${plan.instructions.join(' ') || '(none)'}`);
  lines.push(`Build platform: ${options.buildPlatform}`);
  lines.push(`Device entitlement: ${formatEntitlement(plan)}`);
  if (options.outputs.length > 0) {
    const outputs = options.outputs.map(
      (o) => `type=${o.type}${o.dest ? `,dest=${o.dest}` : ''}`,
    );
    lines.push(`Outputs: ${outputs.join(' ')}`);
  }

  const seen = new Map<string, string>();
  for (const platformPlan of plan.platforms) {
    lines.push('', ...formatPlatform(plan, platformPlan, seen));
  }

  if (plan.legacy && plan.legacy.length > 0) {
    lines.push('', 'Legacy builder (every stage up to the target, in order):');
    for (const step of plan.legacy) {
      lines.push(`  Step ${step.step}/${step.total} : ${step.text}`);
    }
  }

  const diagnostics = formatDiagnostics(
    plan.diagnostics,
    planSources(plan, source, cdiSpecs),
  );
  if (diagnostics) lines.push('', 'Diagnostics:', diagnostics);
  lines.push('', plan.ok ? 'Plan OK' : 'Plan has errors: the build would fail');
  return lines.join('\n') + '\n';
}

/** Maps the plan's Dockerfile and each CDI spec file to its text, by name. */
export function planSources(
  plan: BuildPlan,
  source: string,
  cdiSpecs: CdiSpecFile[] = [],
): SourceTexts {
  const texts = new Map(cdiSpecs.map((f) => [f.path, f.text] as const));
  texts.set(plan.file, source);
  return texts;
}

/**
 * Formats diagnostics as `file:N: message` blocks, each with an excerpt of
 * its own file when `sources` has its text; a build check reads
 * `Dockerfile:N: WARN: <Rule>: message`.
 */
export function formatDiagnostics(
  diagnostics: Diagnostic[],
  sources: SourceTexts,
): string {
  return diagnostics
    .map((d) => formatDiagnostic(labelled(d), sources).replace(/\n+$/, ''))
    .join('\n');
}

function labelled(d: Diagnostic): Diagnostic {
  if (d.severity !== 'warning') return d;
  const rule = findCheckRule(d.code);
  const name = rule ? `${rule.name}: ` : '';
  return { ...d, message: `WARN: ${name}${d.message}` };
}

/** Shortens a vertex id the way docker shortens image ids: 12 hex digits. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

function formatPlatform(
  plan: BuildPlan,
  platformPlan: PlatformPlan,
  seen: Map<string, string>,
): string[] {
  const target = platformPlan.stages[platformPlan.target];
  const lines = [
    `Platform ${platformPlan.platform} (target stage: ${target ? stageLabel(target) : platformPlan.target})`,
    '  Stages:',
  ];
  for (const stage of platformPlan.stages) {
    const state = stage.built ? 'built  ' : 'skipped';
    lines.push(
      `    ${state} ${stageLabel(stage).padEnd(14)} ${formatBase(platformPlan, stage)}  (${stage.reason})`,
    );
  }
  const order = platformPlan.order.map((i) => platformPlan.stages[i]?.id ?? i);
  lines.push(`  Build order: ${order.join(' -> ') || '(nothing)'}`);

  lines.push('  Args:');
  for (const index of platformPlan.order) {
    const stage = platformPlan.stages[index];
    if (!stage) continue;
    const args = Object.entries(stage.args)
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join(' ');
    lines.push(`    ${stageLabel(stage)}: ${args || '(none)'}`);
  }

  lines.push('  Steps:');
  for (const index of platformPlan.order) {
    const stage = platformPlan.stages[index];
    for (const id of stage?.vertices ?? []) {
      const vertex = plan.vertices[id];
      if (!vertex) continue;
      const shared = seen.get(id);
      const note = shared ? `  (shared with ${shared})` : '';
      if (!shared) seen.set(id, platformPlan.platform);
      lines.push(`    ${shortId(id)} ${vertex.name}${note}`);
      if (vertex.kind === 'run') lines.push(...formatDevices(vertex.devices));
    }
  }
  if (target) lines.push(...formatConfig(target));
  return lines;
}

function formatBase(platformPlan: PlatformPlan, stage: StagePlan): string {
  const base = stage.base;
  if (base.kind === 'scratch') return 'FROM scratch';
  if (base.kind === 'image') return `FROM ${base.ref} [${base.platform}]`;
  const parent = platformPlan.stages[base.stage];
  return `FROM stage ${parent ? stageLabel(parent) : base.stage}`;
}

function formatDevices(devices: DeviceResolution[]): string[] {
  const lines: string[] = [];
  for (const device of devices) {
    const found =
      device.devices.length > 0 ? device.devices.join(', ') : 'no device';
    const required = device.required ? 'required' : 'optional';
    const verdict = device.allowed ? 'allowed' : 'NOT allowed';
    lines.push(
      `      --device=${device.request} (${required}) -> ${found}: ${verdict} (${device.reason})`,
    );
    if (device.error) lines.push(`        error: ${device.error}`);
    for (const edits of device.edits) lines.push(...formatEdits(edits));
  }
  return lines;
}

function formatEdits(edits: CdiContainerEdits): string[] {
  const pad = '        ';
  const lines: string[] = [];
  for (const env of edits.env ?? []) lines.push(`${pad}env ${env}`);
  for (const node of edits.deviceNodes ?? []) {
    const host =
      node.hostPath && node.hostPath !== node.path
        ? ` (host ${node.hostPath})`
        : '';
    lines.push(`${pad}device node ${node.path}${host}`);
  }
  for (const mount of edits.mounts ?? []) {
    const opts = mount.options?.length ? ` (${mount.options.join(',')})` : '';
    lines.push(
      `${pad}mount ${mount.hostPath} -> ${mount.containerPath}${opts}`,
    );
  }
  for (const hook of edits.hooks ?? []) {
    lines.push(
      `${pad}hook ${hook.hookName}: ${[hook.path, ...(hook.args ?? []).slice(1)].join(' ')}`,
    );
  }
  for (const gid of edits.additionalGids ?? [])
    lines.push(`${pad}additional gid ${gid}`);
  for (const net of edits.netDevices ?? []) {
    lines.push(`${pad}net device ${net.hostInterfaceName} -> ${net.name}`);
  }
  if (edits.intelRdt)
    lines.push(`${pad}intel RDT ${JSON.stringify(edits.intelRdt)}`);
  return lines;
}

function formatConfig(stage: StagePlan): string[] {
  const config = stage.config;
  const lines = ['  Image config:'];
  for (const env of config.env) lines.push(`    ENV ${env}`);
  if (config.workingDir) lines.push(`    WORKDIR ${config.workingDir}`);
  if (config.user) lines.push(`    USER ${config.user}`);
  if (config.entrypoint)
    lines.push(`    ENTRYPOINT ${JSON.stringify(config.entrypoint)}`);
  if (config.cmd) lines.push(`    CMD ${JSON.stringify(config.cmd)}`);
  return lines.length > 1 ? lines : [];
}

function formatEntitlement(plan: BuildPlan): string {
  const device = plan.options.device;
  if (device.all) return 'device (every device)';
  if (device.names.length > 0)
    return device.names.map((n) => `device=${n}`).join(', ');
  return 'none (only auto-allowed devices)';
}

function stageLabel(stage: StagePlan): string {
  return stage.name ?? `#${stage.index}`;
}
