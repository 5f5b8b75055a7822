// The playground's examples: `examples/index.json` plus each folder's
// Dockerfile, CDI specs and README, read through loader functions.

import type { CdiSpecFile } from '../../core/src/index.ts';
import {
  createDraftFromExample,
  type ExampleOptions,
  type OptionsDraft,
} from './options-draft.ts';
import { getSpecPriority } from './spec-dirs.ts';

/** An example as the list shows it. */
export interface ExampleSummary {
  id: string;
  title: string;
  /** The Docker docs section the scenario comes from. */
  section: string;
  /** The docs page, when the index names one. */
  docsUrl?: string;
  /** The equivalent command line, for reading. */
  command?: string;
}

/** An example with everything the editors need. */
export interface Example extends ExampleSummary {
  dockerfile: string;
  cdiSpecs: CdiSpecFile[];
  draft: OptionsDraft;
  readme: string;
  /**
   * The Dockerfile that runs on the built-in busybox image, when the docs'
   * one starts from an image the offline store lacks (`Dockerfile.busybox`).
   */
  runnable?: { file: string; dockerfile: string };
  /** What the example needs that a browser lacks, e.g. `nvidia-gpu`. */
  requires: string[];
}

/** Reads file text by path, e.g. `/examples/cdi-env/Dockerfile`. */
export type FileLoaders = Record<string, () => Promise<string>>;

interface IndexEntry {
  id: string;
  title?: string;
  docs?: { section?: string; url?: string };
  command?: string;
  /** The command line's flags as data. */
  flags?: ExampleOptions;
  /** The Dockerfile variant that runs with the built-in store. */
  runnable?: { file?: string } | null;
  requires?: string[];
}

// An example's spec folders and the directory each stands for.
const SPEC_FOLDERS = [
  { folder: 'cdi', dir: '/etc/cdi' },
  { folder: 'cdi-var-run', dir: '/var/run/cdi' },
  { folder: 'cdi-buildkit', dir: '/etc/buildkit/cdi' },
];

/** Parses `examples/index.json` text into summaries; bad entries are left out. */
export function parseExampleIndex(text: string): ExampleSummary[] {
  return readEntries(text).map(summarize);
}

/** Loads one example's files and options; `undefined` when it is not listed. */
export async function loadExample(
  id: string,
  indexText: string,
  loaders: FileLoaders,
): Promise<Example | undefined> {
  const entry = readEntries(indexText).find((e) => e.id === id);
  if (!entry) return undefined;

  const draft = createDraftFromExample(entry.flags ?? {});
  const folder = `/examples/${id}/`;
  const read = (name: string) => loaders[folder + name]?.() ?? '';

  const cdiSpecs: CdiSpecFile[] = [];
  for (const { folder: specFolder, dir } of SPEC_FOLDERS) {
    const prefix = `${folder}${specFolder}/`;
    const names = Object.keys(loaders)
      .filter((p) => p.startsWith(prefix) && /\.(ya?ml|json)$/.test(p))
      .sort();
    for (const path of names) {
      const text = await loaders[path]!();
      const specPath = `${dir}/${path.slice(prefix.length)}`;
      cdiSpecs.push({
        path: specPath,
        priority: getSpecPriority(specPath),
        text,
      });
    }
  }

  const runnableFile = entry.runnable?.file;
  const runnable =
    runnableFile &&
    runnableFile !== draft.file &&
    loaders[folder + runnableFile]
      ? { file: runnableFile, dockerfile: await read(runnableFile) }
      : undefined;
  return {
    ...summarize(entry),
    dockerfile: await read(draft.file),
    cdiSpecs,
    draft,
    readme: await read('README.md'),
    runnable,
    requires: Array.isArray(entry.requires) ? entry.requires : [],
  };
}

/** Says why an example that needs `requires` cannot build in a browser. */
export function describeRequirements(requires: string[]): string | undefined {
  if (requires.length === 0) return undefined;
  const needs = requires.map((r) => REQUIREMENTS[r] ?? r).join(' and ');
  return `This example needs ${needs}, which a browser cannot reach: here it is planned only.`;
}

const REQUIREMENTS: Record<string, string> = {
  'nvidia-gpu': 'an NVIDIA GPU and its driver (nvidia-smi)',
};

function summarize(entry: IndexEntry): ExampleSummary {
  return {
    id: entry.id,
    title: entry.title ?? entry.id,
    section: entry.docs?.section ?? '',
    docsUrl: entry.docs?.url,
    command: entry.command,
  };
}

function readEntries(text: string): IndexEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  const list = Array.isArray(data)
    ? data
    : (data as { examples?: unknown } | null)?.examples;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (e): e is IndexEntry =>
      typeof e === 'object' && e !== null && typeof e.id === 'string',
  );
}
