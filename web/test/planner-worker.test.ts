// Plans the CDI examples through the real planner worker in Chromium.

import { expect } from '@esm-bundle/chai';
import { fetchExample, planExample, targetRuns } from './helpers.ts';

const NOT_ALLOWED =
  'device vendor1.com/device=foo is requested by the build but not allowed';

describe('planner worker', () => {
  it('injects vendor1.com/device=foo with FOO=injected when allowed', async () => {
    const example = await fetchExample('cdi-env');
    expect(example.draft.allow).to.equal('device');
    expect(example.cdiSpecs.map((s) => s.path)).to.deep.equal([
      '/etc/cdi/foo.yaml',
    ]);

    const { plan, failure } = await planExample(example);
    expect(failure).to.equal(undefined);
    expect(plan!.ok, JSON.stringify(plan!.diagnostics)).to.equal(true);

    const [run] = targetRuns(plan!);
    expect(run!.name).to.match(/^\[.*\d\/\d\] RUN /);
    expect(run!.devices).to.have.length(1);
    const device = run!.devices[0]!;
    expect(device.request).to.equal('vendor1.com/device');
    expect(device.devices).to.deep.equal(['vendor1.com/device=foo']);
    expect(device.allowed).to.equal(true);
    expect(device.error).to.equal(undefined);
    expect(device.edits.flatMap((e) => e.env ?? [])).to.include('FOO=injected');
  });

  it('refuses the device without --allow device', async () => {
    const example = await fetchExample('cdi-env');
    const { plan } = await planExample(example, { allow: '' });
    expect(plan!.ok).to.equal(false);

    const device = targetRuns(plan!)[0]!.devices[0]!;
    expect(device.allowed).to.equal(false);
    expect(device.error).to.contain(NOT_ALLOWED);
    const messages = plan!.diagnostics.map((d) => d.message);
    expect(
      messages.some((m) => m.includes(NOT_ALLOWED)),
      messages.join('\n'),
    ).to.equal(true);
  });

  it('plans the cdi-not-allowed example as a failed build', async () => {
    const example = await fetchExample('cdi-not-allowed');
    const { plan } = await planExample(example);
    const error = plan!.diagnostics.find((d) => d.severity === 'error');
    expect(error?.message).to.contain(NOT_ALLOWED);
  });

  it('allows the device of an auto-allow spec without --allow', async () => {
    const example = await fetchExample('cdi-autoallow');
    const { plan } = await planExample(example);
    expect(plan!.ok, JSON.stringify(plan!.diagnostics)).to.equal(true);
    const device = targetRuns(plan!)[0]!.devices[0]!;
    expect(device.allowed).to.equal(true);
    expect(device.devices).to.deep.equal(['vendor1.com/device=foo']);
  });
});
