// Parsing quirks of the reference loader: YAML 1.1 scalars coerced into string
// fields, strict keys, case-insensitive field names, versions, error lines.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { resolvePlainScalar } from './go-yaml.ts';
import { formatFloat32 } from './go-format.ts';
import { parseCdiSpec } from './parse-spec.ts';

const body = 'devices:\n  - name: dev\n    containerEdits:\n      env: [A=1]\n';

function parse(text: string) {
  return parseCdiSpec(text, '/etc/cdi/x.yaml');
}

function messageOf(text: string): string {
  const r = parse(text);
  assert.equal(r.spec, undefined, 'expected the spec to be rejected');
  return r.diagnostics[0]!.message;
}

describe('parseCdiSpec', () => {
  it('loads a minimal spec', () => {
    const r = parse(`cdiVersion: 0.3.0\nkind: vendor.com/dev\n${body}`);
    assert.deepEqual(r.diagnostics, []);
    assert.equal(r.spec?.devices[0]?.name, 'dev');
  });

  it('turns unquoted YAML 1.1 booleans into strings for string fields', () => {
    const r = parse(
      `cdiVersion: 0.6.0\nkind: vendor.com/dev\nannotations:\n  a: yes\n  b: on\n  c: "yes"\n  d: 010\n  e: 0x1F\n  f: 1.50\n  g: ~\n${body}`,
    );
    assert.deepEqual(r.spec?.annotations, {
      a: 'true',
      b: 'true',
      c: 'yes',
      d: '8',
      e: '31',
      f: '1.5',
      g: '',
    });
  });

  it('an unquoted y as a device name becomes "true"', () => {
    const r = parse(
      `cdiVersion: 0.3.0\nkind: vendor.com/dev\ndevices:\n  - name: y\n    containerEdits:\n      env: [A=1]\n`,
    );
    assert.equal(r.spec?.devices[0]?.name, 'true');
  });

  it('cdiVersion: 1.0 is read as "1", an invalid version', () => {
    assert.equal(
      messageOf(`cdiVersion: 1.0\nkind: vendor.com/dev\n${body}`),
      'invalid CDI Spec: invalid version "1"',
    );
  });

  it('keeps MIG-style names like 0:1 as text', () => {
    const r = parse(
      `cdiVersion: 0.5.0\nkind: nvidia.com/gpu\ndevices:\n  - name: 0:1\n    containerEdits:\n      env: [A=1]\n`,
    );
    assert.equal(r.spec?.devices[0]?.name, '0:1');
  });

  it('matches field names without regard to case', () => {
    const r = parse(
      `CDIVERSION: 0.7.0\nKind: vendor.com/dev\n${body}containerEdits:\n  additionalGIDs: [5]\n`,
    );
    assert.deepEqual(r.diagnostics, []);
    assert.deepEqual(r.spec?.containerEdits?.additionalGids, [5]);
  });

  it('rejects duplicate keys at the line of the second value', () => {
    assert.equal(
      messageOf(
        `cdiVersion: 0.3.0\nkind: vendor.com/dev\nkind: vendor.com/other\n${body}`,
      ),
      'failed to parse CDI Spec "/etc/cdi/x.yaml": failed to unmarshal CDI Spec: error converting YAML to JSON: yaml: unmarshal errors:\n  line 3: key "kind" already set in map',
    );
    assert.equal(
      parse(`a: 1\na: 2\n`).diagnostics[0]!.location?.range.start.line,
      2,
    );
  });

  it('rejects unknown fields at any depth, naming the field', () => {
    const text = `cdiVersion: 1.1.0\nkind: vendor.com/dev\n${body}containerEdits:\n  intelRdt:\n    enableCMT: true\n`;
    const r = parse(text);
    assert.match(
      r.diagnostics[0]!.message,
      /: json: unknown field "enableCMT"$/,
    );
    assert.equal(r.diagnostics[0]!.location?.range.start.line, 9);
  });

  it('reports type errors the way encoding/json does', () => {
    assert.match(
      messageOf(
        `cdiVersion: 0.3.0\nkind: vendor.com/dev\ndevices:\n  - name: d\n    containerEdits:\n      deviceNodes:\n        - path: /dev/x\n          major: "5"\n`,
      ),
      /json: cannot unmarshal string into Go struct field DeviceNode\.devices\.containerEdits\.deviceNodes\.major of type int64$/,
    );
    assert.match(
      messageOf(
        `cdiVersion: 0.3.0\nkind: vendor.com/dev\ndevices:\n  - name: d\n    containerEdits:\n      deviceNodes:\n        - path: /dev/x\n          uid: -1\n`,
      ),
      /json: cannot unmarshal number -1 into Go struct field DeviceNode\.devices\.containerEdits\.deviceNodes\.uid of type uint32$/,
    );
    assert.match(
      messageOf('- a\n- b\n'),
      /json: cannot unmarshal array into Go value of type specs\.Spec$/,
    );
  });

  it('reads JSON as YAML, whatever the file name says', () => {
    const r = parseCdiSpec(
      '{"cdiVersion":"0.3.0","kind":"vendor.com/dev","devices":[{"name":"d","containerEdits":{"env":["A=1"]}}]}',
      '/etc/cdi/x.yaml',
    );
    assert.deepEqual(r.diagnostics, []);
  });

  it('says "no Spec data" for an empty file or null', () => {
    for (const text of ['', '---\n', 'null\n', '# only a comment\n']) {
      assert.equal(
        messageOf(text),
        'failed to parse CDI Spec "/etc/cdi/x.yaml", no Spec data',
      );
    }
  });

  it('rejects a field newer than cdiVersion and points at it', () => {
    const text = `cdiVersion: "0.5.0"\nkind: acme.test/sensor\ndevices:\n  - name: probe\n    containerEdits:\n      env: [PROBE=on]\nannotations:\n  x: "1"\n`;
    const r = parse(text);
    assert.equal(
      r.diagnostics[0]!.message,
      'invalid CDI Spec: the spec version must be at least v0.6.0',
    );
    assert.equal(r.diagnostics[0]!.location?.range.start.line, 7);
  });

  it('accepts a leading lower-case v only', () => {
    assert.deepEqual(
      parse(`cdiVersion: v0.3.0\nkind: vendor.com/dev\n${body}`).diagnostics,
      [],
    );
    assert.equal(
      messageOf(`cdiVersion: V0.3.0\nkind: vendor.com/dev\n${body}`),
      'invalid CDI Spec: invalid version "V0.3.0"',
    );
  });

  it('validates names with the reference texts', () => {
    assert.equal(
      messageOf(`cdiVersion: 0.3.0\nkind: vendor.com/foo/bar\n${body}`),
      `invalid CDI Spec: invalid class. invalid character '/' in name "foo/bar"`,
    );
    assert.equal(
      messageOf(
        `cdiVersion: 0.3.0\nkind: vendor.com/dev\ndevices:\n  - name: "-x"\n    containerEdits:\n      env: [A=1]\n`,
      ),
      'invalid CDI Spec: failed add device "-x": invalid class "-x", should start with a letter or digit',
    );
    assert.equal(
      messageOf(
        `cdiVersion: 0.3.0\nkind: vendor.com/dev\ndevices:\n  - name: "0"\n    containerEdits:\n      env: [A=1]\n`,
      ),
      'invalid CDI Spec: the spec version must be at least v0.5.0',
    );
  });

  it('wraps edit errors with the device name', () => {
    assert.equal(
      messageOf(
        `cdiVersion: 0.3.0\nkind: vendor.com/dev\ndevices:\n  - name: d\n    containerEdits:\n      hooks:\n        - hookName: preStart\n          path: /x\n`,
      ),
      'invalid CDI Spec: failed add device "d": invalid device "d": invalid hook name "preStart"',
    );
  });

  it('spec-level edit errors are not wrapped', () => {
    assert.equal(
      messageOf(
        `cdiVersion: 0.3.0\nkind: vendor.com/dev\n${body}containerEdits:\n  env: [NOEQUALS]\n`,
      ),
      'invalid CDI Spec: invalid container edits: invalid environment variable "NOEQUALS"',
    );
  });
});

describe('YAML 1.1 scalars', () => {
  const cases: [string, unknown][] = [
    ['yes', true],
    ['Off', false],
    ['~', null],
    ['010', 8n],
    ['0o17', 15n],
    ['0b101', 5n],
    ['1_000', 1000n],
    ['-0x10', -16n],
    ['08', 8],
    ['1e3', 1000],
    ['.5', 0.5],
    ['.inf', Infinity],
    ['0:1', '0:1'],
    ['2001-12-14', '2001-12-14'],
    ['YES!', 'YES!'],
    ['1.2.3', '1.2.3'],
  ];
  for (const [text, expected] of cases) {
    it(`${text} resolves to ${String(expected)}`, () => {
      const r = resolvePlainScalar(text);
      assert.deepEqual(r.t === 'null' ? null : r.v, expected);
    });
  }

  it('formats floats as Go does for 32-bit g format', () => {
    assert.equal(formatFloat32(1), '1');
    assert.equal(formatFloat32(1.5), '1.5');
    assert.equal(formatFloat32(1e6), '1e+06');
    assert.equal(formatFloat32(123456), '123456');
    assert.equal(formatFloat32(0.1), '0.1');
    assert.equal(formatFloat32(0.00001), '1e-05');
  });
});
