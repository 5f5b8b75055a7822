// The bench corpus: BuildKit's parser fixtures and the behaviour cases from
// ../shared, the examples, and generated Dockerfiles of 1,000+ lines.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { generateDockerfile } from './generate.ts';

/** One Dockerfile of the corpus. */
export interface CorpusFile {
  group: 'shared corpus' | 'cases' | 'examples' | 'generated';
  name: string;
  text: string;
  bytes: number;
}

/** Reads and generates the corpus; `repoRoot` is the repository root. */
export function loadCorpus(repoRoot: string): CorpusFile[] {
  const shared = path.resolve(repoRoot, '../shared');
  const files: CorpusFile[] = [
    ...readGroup('shared corpus', path.join(shared, 'corpus/buildkit-parser')),
    ...readGroup('cases', path.join(shared, 'cases')),
    ...readGroup('examples', path.join(repoRoot, 'examples')),
  ];
  for (const [lines, seed] of [
    [1000, 1],
    [2500, 2],
    [5000, 3],
  ]) {
    const text = generateDockerfile(lines, seed);
    files.push({
      group: 'generated',
      name: `generated-${lines}`,
      text,
      bytes: Buffer.byteLength(text),
    });
  }
  return files;
}

function readGroup(group: CorpusFile['group'], root: string): CorpusFile[] {
  const out: CorpusFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.startsWith('Dockerfile')) {
        const text = readFileSync(full, 'utf8');
        out.push({
          group,
          name: path.relative(root, full),
          text,
          bytes: Buffer.byteLength(text),
        });
      }
    }
  };
  walk(root);
  return out;
}
