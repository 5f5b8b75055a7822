// The options form's text turned into BuildOptions.

import { expect } from '@esm-bundle/chai';
import {
  createDraftFromExample,
  createEmptyDraft,
  parseBuildArgs,
  toBuildOptions,
} from '../src/options-draft.ts';

describe('options draft', () => {
  it('splits platforms and allow values on commas and spaces', () => {
    const draft = {
      ...createEmptyDraft(),
      platforms: 'linux/amd64, linux/arm64 linux/arm/v7',
      allow: 'device,device=vendor1.com/device=foo',
    };
    const options = toBuildOptions(draft, []);
    expect(options.platforms).to.deep.equal([
      'linux/amd64',
      'linux/arm64',
      'linux/arm/v7',
    ]);
    expect(options.allow).to.deep.equal([
      'device',
      'device=vendor1.com/device=foo',
    ]);
  });

  it('leaves platforms and target unset when empty', () => {
    const options = toBuildOptions(createEmptyDraft(), []);
    expect(options.platforms).to.equal(undefined);
    expect(options.target).to.equal(undefined);
    expect(options.file).to.equal('Dockerfile');
  });

  it('keeps outputs whole, one per line', () => {
    const draft = {
      ...createEmptyDraft(),
      outputs: 'type=local,dest=out\n\nout2',
    };
    expect(toBuildOptions(draft, []).outputs).to.deep.equal([
      'type=local,dest=out',
      'out2',
    ]);
  });

  it('NAME=VALUE lines, with = in values and bare names skipped', () => {
    expect(parseBuildArgs('A=1\nB=x=y\nC=\nBARE\n# X=1')).to.deep.equal({
      A: '1',
      B: 'x=y',
      C: '',
    });
  });

  it('round-trips an example entry', () => {
    const draft = createDraftFromExample({
      platforms: ['linux/amd64', 'linux/arm64'],
      target: 'build',
      buildArgs: { VERSION: '1.2' },
      allow: ['device'],
      outputs: ['out'],
    });
    const options = toBuildOptions(draft, []);
    expect(options.platforms).to.deep.equal(['linux/amd64', 'linux/arm64']);
    expect(options.target).to.equal('build');
    expect(options.buildArgs).to.deep.equal({ VERSION: '1.2' });
    expect(options.allow).to.deep.equal(['device']);
    expect(options.outputs).to.deep.equal(['out']);
  });
});
