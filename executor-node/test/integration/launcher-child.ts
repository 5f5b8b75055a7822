// Builds one RUN step and prints what it wrote: launchers.test.ts runs this
// in a process of its own per launcher (SLIPWAY_LAUNCHER picks the shell).

import { stepLauncher } from '../../src/runtime/oci-runtime.ts';
import { build, read, testHome } from './harness.ts';

const DOCKERFILE = [
  'FROM busybox:1.36',
  'WORKDIR /srv',
  'USER nobody',
  'RUN --mount=type=tmpfs,target=/scratch \\',
  '    echo "$(id -u) $(pwd) $(ls -d /scratch)" > /tmp/out',
  '',
].join('\n');

const { result } = await build(DOCKERFILE, {}, { home: testHome() });
if (!result.ok) throw new Error(result.error);
process.stdout.write(
  `${stepLauncher()}: ${read(result.results[0]?.rootfs, 'tmp/out')}`,
);
