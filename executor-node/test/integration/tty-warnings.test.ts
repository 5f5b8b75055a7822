// `slipway build --progress=tty` with build-check warnings: the live view
// shows the definition vertex's transfer row and its `WARN:` rows, and the
// warning list follows it with a yellow header, as buildx prints them.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { runCli, skipBuilds } from './cli-helpers.ts';
import { tempDir, testHome } from './harness.ts';

const skip = await skipBuilds();

test(
  '--progress=tty draws WARN rows and lists the warnings after the view',
  { skip },
  async () => {
    const dir = tempDir('ctx-');
    fs.writeFileSync(
      path.join(dir, 'Dockerfile'),
      'FROM busybox:1.36 as base\nCMD echo hi\n',
    );
    const env = { SLIPWAY_HOME: testHome() };
    const run = await runCli(['build', '--progress=tty', dir], { env });
    assert.equal(run.status, 0, run.stderr);

    // eslint-disable-next-line no-control-regex
    const text = run.stderr.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
    const last = text.slice(text.lastIndexOf('[+] Building'));
    assert.match(last, /^\[\+\] Building \d+\.\ds \(\d+\/\d+\) FINISHED\n/);
    assert.match(
      last,
      / => \[internal\] load build definition from Dockerfile +\d+\.\ds\n => => transferring dockerfile: \d+B +\d+\.\ds\n/,
    );
    assert.match(
      last,
      / => WARN: FromAsCasing: 'as' and 'FROM' keywords' casing .* \d+\.\ds\n/,
    );
    assert.match(
      last,
      / => WARN: JSONArgsRecommended: JSON arguments recommended for CMD/,
    );

    const header = '2 warnings found (use docker --debug to expand):\n';
    assert.ok(
      run.stderr.includes(`\n \x1b[33m${header}\x1b[0m`),
      'the list header is yellow',
    );
    const list = text.slice(text.indexOf(header) + header.length);
    assert.match(
      list,
      /^ - FromAsCasing: 'as' and 'FROM' keywords' casing do not match \(line 1\)\n - JSONArgsRecommended: /,
    );
  },
);
