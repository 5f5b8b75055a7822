// COPY and ADD: sources from the context, another stage, an image or a
// heredoc; paths expanded with the stage env; the destination resolved
// against the working directory.

import type { CopyInstruction } from '../model/instructions.ts';
import { checkCopyIgnored } from '../checks/copy-checks.ts';
import type { CopyVertex, InlineFile } from '../model/plan.ts';
import { goQuote } from '../diagnostics/go-quote.ts';
import { hashParts } from './vertex-id.ts';
import { checkDigest } from './digest.ts';
import type { DispatchContext, StageState } from './dispatch-context.ts';
import {
  addVertex,
  expandIn,
  nextStepName,
  platformName,
  reportError,
  stepText,
} from './dispatch-context.ts';
import { resolveDestination } from '../util/posix-path.ts';
import { isGitSource, isHttpSource, parseGitRef } from './git-ref.ts';
import { formatTagged } from './reference.ts';
import type { StageCommand } from './stage-graph.ts';

const SYMBOLIC_MODE =
  /^[ugoa]*[-+=]([rwxXst]*|[ugo])([-+=]([rwxXst]*|[ugo]))*(,[ugoa]*[-+=]([rwxXst]*|[ugo])([-+=]([rwxXst]*|[ugo]))*)*$/;

/** Plans a COPY or ADD step. */
export function planCopy(
  ctx: DispatchContext,
  state: StageState,
  command: StageCommand,
  c: CopyInstruction,
) {
  const source = copySource(ctx, state, command, c);
  if (source === null) return;
  const expanded = expandCopy(ctx, state, c);
  if (!expanded) return;
  if (!checkCopy(ctx, c, expanded)) return;
  if (source.kind === 'context') {
    checkCopyIgnored(ctx.lint, c.kind, expanded.sources, c.range);
  }

  const dest = resolveDestination(state.dir, expanded.dest);
  const text = stepText(ctx, state, c.original);
  const name = nextStepName(ctx, state, text);
  const platform = platformName(state.platform);
  const parts: { source: CopyVertex['source']; sources: string[] }[] = [];
  if (expanded.sources.length > 0 || c.heredocs.length === 0) {
    parts.push({ source, sources: expanded.sources });
  }
  if (c.heredocs.length > 0) {
    const files = inlineFiles(ctx, state, c, expanded.chmod);
    if (!files) return;
    parts.push({
      source: { kind: 'inline', files },
      sources: files.map((f) => f.path),
    });
  }

  for (const part of parts) {
    const inputs = state.result ? [state.result] : [];
    if (part.source.kind === 'stage' && part.source.vertex) {
      inputs.push(part.source.vertex);
    }
    const vertex: CopyVertex = {
      kind: 'copy',
      id: hashParts(
        [
          'copy',
          platform,
          c.kind,
          dest,
          c.link,
          c.parents,
          c.exclude,
          expanded.chmod ?? '',
          expanded.chown ?? '',
          expanded.checksum ?? '',
          c.keepGitDir ?? null,
          c.unpack ?? null,
          sourceKey(part.source),
          part.sources,
          inputs,
        ],
        ctx.idMemo,
      ),
      stage: state.node.index,
      platform,
      name,
      text,
      location: { file: ctx.file, range: c.range },
      inputs,
      source: part.source,
      sources: part.sources,
      instruction: c.kind,
      dest,
      link: c.link,
      parents: c.parents,
      exclude: c.exclude,
    };
    if (expanded.chmod) vertex.chmod = expanded.chmod;
    if (expanded.chown) vertex.chown = expanded.chown;
    if (expanded.checksum) vertex.checksum = expanded.checksum;
    if (c.keepGitDir !== undefined) vertex.keepGitDir = c.keepGitDir;
    if (c.unpack !== undefined) vertex.unpack = c.unpack;
    addVertex(ctx, state, vertex);
  }
}

// The parts of a copy source that its vertex id covers.
function sourceKey(source: CopyVertex['source']): unknown[] {
  switch (source.kind) {
    case 'context':
      return ['context'];
    case 'stage':
      return ['stage', source.stage, source.vertex ?? ''];
    case 'image':
      return ['image', source.ref];
    case 'inline':
      return [
        'inline',
        source.files.map((f) => [f.path, f.content, f.mode ?? 0]),
      ];
  }
}

/** Returns the copy source, or null when it cannot be used (already reported). */
function copySource(
  ctx: DispatchContext,
  state: StageState,
  command: StageCommand,
  c: CopyInstruction,
): CopyVertex['source'] | null {
  if (!c.from || c.from.value === '') return { kind: 'context' };
  const node = command.sources[0];
  if (!node) return null;
  const source = ctx.states.get(node);
  if (!source) {
    reportError(
      ctx,
      'copy-from-later-stage',
      `cannot copy from stage ${goQuote(c.from.value)}, it needs to be defined before current stage ${goQuote(state.node.displayName)}`,
      c.range,
    );
    return null;
  }
  if (node.added) {
    const ref = node.image ? formatTagged(node.image) : 'scratch';
    return { kind: 'image', ref };
  }
  return source.result
    ? { kind: 'stage', stage: node.index, vertex: source.result }
    : { kind: 'stage', stage: node.index };
}

interface ExpandedCopy {
  sources: string[];
  dest: string;
  chmod?: string;
  chown?: string;
  checksum?: string;
}

function expandCopy(
  ctx: DispatchContext,
  state: StageState,
  c: CopyInstruction,
): ExpandedCopy | undefined {
  const at = c.range;
  const chown = c.chown === undefined ? '' : expandIn(ctx, state, c.chown, at);
  const chmod = c.chmod === undefined ? '' : expandIn(ctx, state, c.chmod, at);
  const checksum =
    c.checksum === undefined ? '' : expandIn(ctx, state, c.checksum, at);
  if (chown === undefined || chmod === undefined || checksum === undefined) {
    return undefined;
  }
  const sources: string[] = [];
  for (const source of c.sources) {
    const value = expandIn(ctx, state, source.value, at);
    if (value === undefined) return undefined;
    sources.push(value);
  }
  const dest = expandIn(ctx, state, c.dest.value, at);
  if (dest === undefined) return undefined;
  const out: ExpandedCopy = { sources, dest };
  if (chmod !== '') out.chmod = chmod;
  if (chown !== '') out.chown = chown;
  if (checksum !== '') out.checksum = checksum;
  return out;
}

function checkCopy(
  ctx: DispatchContext,
  c: CopyInstruction,
  e: ExpandedCopy,
): boolean {
  const error = chmodError(e.chmod) ?? checksumError(c, e) ?? sourceError(c, e);
  if (error === undefined) return true;
  reportError(ctx, 'invalid-copy', error, c.range);
  return false;
}

function chmodError(chmod: string | undefined): string | undefined {
  if (chmod === undefined) return undefined;
  const nonOctal = `invalid chmod parameter: '${chmod}'. it should be octal string and between 0 and 07777`;
  if (/^[0-7]+$/.test(chmod))
    return parseInt(chmod, 8) > 0o7777 ? nonOctal : undefined;
  if (/^[+-]?\d/.test(chmod)) return nonOctal;
  return SYMBOLIC_MODE.test(chmod) ? undefined : nonOctal;
}

function checksumError(
  c: CopyInstruction,
  e: ExpandedCopy,
): string | undefined {
  if (!e.checksum) return undefined;
  if (c.kind !== 'ADD') return "checksum can't be specified for COPY";
  if (e.sources.length !== 1)
    return "checksum can't be specified for multiple sources";
  if (!isHttpSource(e.sources[0]) && !isGitSource(e.sources[0])) {
    return 'checksum requires HTTP(S) or Git sources';
  }
  return undefined;
}

function sourceError(c: CopyInstruction, e: ExpandedCopy): string | undefined {
  for (const source of e.sources) {
    const git = parseGitRef(source);
    if (git.error !== undefined && git.isGit) return git.error;
    const ref = git.ref;
    if (ref && !ref.indistinguishableFromLocal) {
      if (c.kind === 'COPY') return "source can't be a git ref for COPY";
      if (
        c.keepGitDir !== undefined &&
        ref.keepGitDir !== undefined &&
        c.keepGitDir !== ref.keepGitDir
      ) {
        return 'inconsistent keep-git-dir configuration';
      }
      if (e.checksum && ref.checksum && e.checksum !== ref.checksum) {
        return `checksum mismatch ${goQuote(e.checksum)} != ${goQuote(ref.checksum)}`;
      }
    } else if (isHttpSource(source)) {
      if (c.kind === 'COPY') return "source can't be a URL for COPY";
      if (e.checksum) {
        const error = checkDigest(e.checksum);
        if (error) return error;
      }
    }
  }
  return undefined;
}

function inlineFiles(
  ctx: DispatchContext,
  state: StageState,
  c: CopyInstruction,
  chmod: string | undefined,
): InlineFile[] | undefined {
  const mode = chmod && /^[0-7]+$/.test(chmod) ? parseInt(chmod, 8) : 0o644;
  const files: InlineFile[] = [];
  for (const doc of c.heredocs) {
    let content = doc.content;
    if (doc.expand) {
      const expanded = expandIn(ctx, state, content, c.range, {
        skipProcessQuotes: true,
      });
      if (expanded === undefined) return undefined;
      content = expanded;
    }
    files.push({ path: doc.name, content, mode });
  }
  return files;
}
