// Short text forms of plan values for the plan view: stage bases, RUN
// mounts and CDI edit entries.

import type {
  CdiDeviceNode,
  CdiHook,
  CdiMount,
  RunMount,
  StageBase,
  StagePlan,
} from '../../core/src/index.ts';

/** Describes where a stage starts: an image, another stage, or scratch. */
export function describeBase(base: StageBase, stages: StagePlan[]): string {
  switch (base.kind) {
    case 'image':
      return `image ${base.ref} (${base.platform})`;
    case 'stage': {
      const parent = stages.find((s) => s.index === base.stage);
      return `stage ${parent ? labelStage(parent) : base.stage}`;
    }
    case 'scratch':
      return 'scratch (empty filesystem)';
  }
}

/** Names a stage as `#1 build`, or `#1` when it has no name. */
export function labelStage(stage: StagePlan): string {
  return stage.name ? `#${stage.index} ${stage.name}` : `#${stage.index}`;
}

/** Formats a CDI device node: path, host path, type and numbers. */
export function formatDeviceNode(node: CdiDeviceNode): string {
  const parts = [node.path];
  if (node.hostPath && node.hostPath !== node.path) {
    parts.push(`from ${node.hostPath}`);
  }
  if (node.type) parts.push(`type ${node.type}`);
  if (node.major !== undefined) {
    parts.push(`${node.major}:${node.minor ?? 0}`);
  }
  if (node.permissions) parts.push(`perm ${node.permissions}`);
  if (node.fileMode !== undefined) {
    parts.push(`mode ${node.fileMode.toString(8).padStart(4, '0')}`);
  }
  return parts.join('  ');
}

/** Formats a CDI mount as `host -> container (options)`. */
export function formatCdiMount(mount: CdiMount): string {
  const options = mount.options?.length ? ` (${mount.options.join(',')})` : '';
  const type = mount.type ? ` ${mount.type}` : '';
  return `${mount.hostPath} -> ${mount.containerPath}${type}${options}`;
}

/** Formats a CDI hook as `hookName: path args...`. */
export function formatHook(hook: CdiHook): string {
  const args = hook.args?.length ? ` [${hook.args.join(' ')}]` : '';
  return `${hook.hookName}: ${hook.path}${args}`;
}

/** Formats a RUN mount as `--mount=...`, from what the user wrote. */
export function formatRunMount(mount: RunMount): string {
  return `--mount=${mount.raw}`;
}
