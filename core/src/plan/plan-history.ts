// The image history row each instruction adds, worded as BuildKit's
// Dockerfile frontend words it: a `# buildkit` suffix on layer steps, Go's
// `%v` and `%q` renderings for lists, and no row for FROM or ONBUILD.

import type { CopyInstruction, Instruction } from '../model/instructions.ts';
import type { HistoryRow, ImageConfig, Vertex } from '../model/plan.ts';
import { goQuoteList } from '../diagnostics/go-quote.ts';
import { expandWord, expandWords } from '../expand/expand-word.ts';
import {
  parseGoDuration,
  formatGoDuration,
} from '../instructions/go-duration.ts';
import type { EnvList } from './env-list.ts';
import type { ExpandedPair } from './plan-env.ts';
import { envGet, envLookup } from './env-list.ts';
import { exposedPorts, splitPortSpec } from './ports.ts';

/** What an instruction's row is worded from, taken before it is planned. */
export interface HistoryInput {
  /** The environment the instruction's words are expanded with. */
  env: EnvList;
  escapeToken: string;
  /** How many build args and vertices the stage had before the instruction. */
  argCount: number;
  vertexCount: number;
}

/** Returns the row an instruction adds, read from the stage state after it. */
export function historyRow(
  c: Instruction,
  before: HistoryInput,
  after: {
    config: ImageConfig;
    env: EnvList;
    buildArgs: { key: string; value?: string }[];
    vertices: string[];
  },
  vertices: Record<string, Vertex>,
  /** ENV's and LABEL's pairs as the planner expanded them. */
  pairs?: ExpandedPair[],
): HistoryRow | undefined {
  const added = after.vertices.slice(before.vertexCount);
  const vertex = added.length > 0 ? vertices[added.at(-1)!] : undefined;
  const config = after.config;
  switch (c.kind) {
    case 'RUN': {
      if (vertex?.kind !== 'run') return undefined;
      const text = runText(vertex.args, after.buildArgs, before.env);
      return layer(`RUN ${text} # buildkit`, vertex.id);
    }
    case 'COPY':
    case 'ADD': {
      const copies = added
        .map((id) => vertices[id])
        .filter((v) => v?.kind === 'copy');
      if (!vertex || copies.length === 0) return undefined;
      const text = copyText(c, copies, before);
      return text === undefined ? undefined : layer(text, vertex.id);
    }
    case 'WORKDIR': {
      const text = `WORKDIR ${config.workingDir ?? ''}`;
      return vertex ? layer(text, vertex.id) : empty(text);
    }
    case 'ENV':
    case 'LABEL': {
      if (!pairs) return undefined;
      const words = pairs.map(({ key, value }) => `${key}=${value}`);
      return empty([c.kind, ...words].join(' '));
    }
    case 'ARG': {
      const args = after.buildArgs.slice(before.argCount);
      const words = args.map((a) =>
        a.value === undefined ? a.key : `${a.key}=${a.value}`,
      );
      return empty(`ARG ${words.join(' ')}`);
    }
    case 'USER':
      return empty(`USER ${config.user ?? ''}`);
    case 'CMD':
      return empty(`CMD ${goQuoteList(config.cmd ?? [])}`);
    case 'ENTRYPOINT':
      return empty(`ENTRYPOINT ${goQuoteList(config.entrypoint ?? [])}`);
    case 'SHELL':
      return empty(`SHELL [${config.shell.join(' ')}]`);
    case 'STOPSIGNAL':
      return empty(`STOPSIGNAL ${config.stopSignal ?? ''}`);
    case 'MAINTAINER':
      return empty(`MAINTAINER ${c.maintainer}`);
    case 'EXPOSE': {
      const ports = exposeList(c.ports, before);
      return ports ? empty(`EXPOSE [${ports.join(' ')}]`) : undefined;
    }
    case 'VOLUME': {
      const paths = c.paths.map((path) => expand(path, before));
      if (paths.includes(undefined)) return undefined;
      return empty(`VOLUME [${paths.join(' ')}]`);
    }
    case 'HEALTHCHECK':
      return config.healthcheck
        ? empty(`HEALTHCHECK ${healthcheckText(config.healthcheck)}`)
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Words a RUN as BuildKit does: the stage's build args as `|N K=V ...`
 * (a value set by ENV wins), then the argv joined by spaces.
 */
export function runText(
  args: string[],
  buildArgs: { key: string; value?: string }[],
  env: EnvList,
): string {
  const pairs = new Map<string, string>();
  for (const arg of buildArgs) {
    pairs.set(arg.key, envGet(env, arg.key) ?? arg.value ?? '');
  }
  const words = [...pairs].map(([key, value]) => `${key}=${value}`);
  const prefix = words.length > 0 ? [`|${words.length}`, ...words] : [];
  return [...prefix, ...args].join(' ');
}

/** Renders a healthcheck as Go's `%+v` prints BuildKit's struct. */
export function healthcheckText(
  healthcheck: NonNullable<ImageConfig['healthcheck']>,
): string {
  const duration = (text: string | undefined) => {
    const parsed = text === undefined ? undefined : parseGoDuration(text);
    return formatGoDuration(
      parsed?.error === undefined ? (parsed?.nanoseconds ?? 0) : 0,
    );
  };
  return (
    `{Test:[${healthcheck.test.join(' ')}]` +
    ` Interval:${duration(healthcheck.interval)}` +
    ` Timeout:${duration(healthcheck.timeout)}` +
    ` StartPeriod:${duration(healthcheck.startPeriod)}` +
    ` StartInterval:${duration(healthcheck.startInterval)}` +
    ` Retries:${healthcheck.retries ?? 0}}`
  );
}

function copyText(
  c: CopyInstruction,
  copies: Extract<Vertex, { kind: 'copy' }>[],
  before: HistoryInput,
): string | undefined {
  // Sources and heredocs may be planned as two steps; BuildKit words one.
  const vertex = copies[0]!;
  const dest = expand(c.dest.value, before);
  if (dest === undefined) return undefined;
  const words: string[] = [vertex.instruction];
  if (vertex.parents) words.push('--parents');
  if (vertex.chown) words.push(`--chown=${vertex.chown}`);
  if (vertex.chmod) words.push(`--chmod=${vertex.chmod}`);
  for (const copy of copies) {
    if (copy.source.kind !== 'inline') words.push(...copy.sources);
  }
  for (const doc of c.heredocs) words.push(`<<${doc.name}`);
  words.push(dest);
  return `${words.join(' ')} # buildkit`;
}

function exposeList(raw: string[], before: HistoryInput): string[] | undefined {
  const out: string[] = [];
  for (const port of raw) {
    const lookup = envLookup(before.env);
    const words = expandWords(port, lookup, before.escapeToken);
    if (words.error !== undefined) return undefined;
    for (const word of words.words) {
      const split = splitPortSpec(word);
      if (split.error !== undefined) return undefined;
      const parsed = exposedPorts(split.spec);
      if (parsed.error !== undefined) return undefined;
      out.push(...parsed.ports);
    }
  }
  return out;
}

function expand(word: string, before: HistoryInput): string | undefined {
  const lookup = envLookup(before.env);
  const result = expandWord(word, lookup, before.escapeToken);
  return result.error === undefined ? result.value : undefined;
}

function layer(createdBy: string, vertex: string): HistoryRow {
  return { createdBy, emptyLayer: false, vertex };
}

function empty(createdBy: string): HistoryRow {
  return { createdBy, emptyLayer: true };
}
