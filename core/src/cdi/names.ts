// CDI names: the `vendor/class` kind, device names and fully qualified
// `vendor/class=name` references, with the reference's rules and error texts.

import { goQuote } from './go-format.ts';

/** Splits a kind at its first `/`; a missing side gives vendor `''` and the whole kind as class. */
export function parseQualifier(kind: string): {
  vendor: string;
  class: string;
} {
  const at = kind.indexOf('/');
  if (at <= 0 || at === kind.length - 1) return { vendor: '', class: kind };
  return { vendor: kind.slice(0, at), class: kind.slice(at + 1) };
}

/** Splits `vendor/class=name`; anything unqualified gives empty vendor and class. */
export function parseDeviceReference(device: string): {
  vendor: string;
  class: string;
  name: string;
} {
  const none = { vendor: '', class: '', name: device };
  if (device === '' || device.startsWith('/')) return none;
  const eq = device.indexOf('=');
  if (eq <= 0 || eq === device.length - 1) return none;
  const q = parseQualifier(device.slice(0, eq));
  if (q.vendor === '') return none;
  return { vendor: q.vendor, class: q.class, name: device.slice(eq + 1) };
}

/** Checks a qualified device name; returns the reference's error text or undefined. */
export function validateQualifiedName(device: string): string | undefined {
  const { vendor, class: cls, name } = parseDeviceReference(device);
  const q = goQuote(device);
  if (vendor === '') return `unqualified device ${q}, missing vendor`;
  if (cls === '') return `unqualified device ${q}, missing class`;
  if (name === '') return `unqualified device ${q}, missing device name`;
  const err =
    validateVendorName(vendor) ??
    validateClassName(cls) ??
    validateDeviceName(name);
  return err === undefined ? undefined : `invalid device ${q}: ${err}`;
}

/** Checks a vendor name; returns the reference's error text or undefined. */
export function validateVendorName(vendor: string): string | undefined {
  const err = validateVendorOrClass(vendor);
  return err === undefined ? undefined : `invalid vendor. ${err}`;
}

/** Checks a class name; returns the reference's error text or undefined. */
export function validateClassName(cls: string): string | undefined {
  const err = validateVendorOrClass(cls);
  return err === undefined ? undefined : `invalid class. ${err}`;
}

/** Checks a device name; returns the reference's error text or undefined. */
export function validateDeviceName(name: string): string | undefined {
  if (name === '') return 'invalid (empty) device name';
  const chars = [...name];
  if (!isAlphaNumeric(chars[0]!)) {
    return `invalid class ${goQuote(name)}, should start with a letter or digit`;
  }
  if (chars.length === 1) return undefined;
  const bad = firstBadMiddle(
    chars,
    (c) => isAlphaNumeric(c) || '_-.:'.includes(c),
  );
  if (bad !== undefined) {
    return `invalid character '${bad}' in device name ${goQuote(name)}`;
  }
  if (!isAlphaNumeric(chars[chars.length - 1]!)) {
    return `invalid name ${goQuote(name)}, should end with a letter or digit`;
  }
  return undefined;
}

/** Formats the fully qualified name of a device. */
export function qualifiedName(
  vendor: string,
  cls: string,
  name: string,
): string {
  return `${vendor}/${cls}=${name}`;
}

function validateVendorOrClass(name: string): string | undefined {
  if (name === '') return 'empty name';
  const chars = [...name];
  if (!isLetter(chars[0]!)) return `${goQuote(name)}, should start with letter`;
  if (chars.length === 1) return undefined;
  const bad = firstBadMiddle(
    chars,
    (c) => isAlphaNumeric(c) || '_-.'.includes(c),
  );
  if (bad !== undefined)
    return `invalid character '${bad}' in name ${goQuote(name)}`;
  if (!isAlphaNumeric(chars[chars.length - 1]!)) {
    return `${goQuote(name)}, should end with a letter or digit`;
  }
  return undefined;
}

// Go checks single bytes at both ends and decodes runes in between, so a
// multi-byte last character leaves a broken rune (U+FFFD) in the middle.
function firstBadMiddle(
  chars: string[],
  ok: (c: string) => boolean,
): string | undefined {
  for (const c of chars.slice(1, -1)) if (!ok(c)) return c;
  if (chars[chars.length - 1]!.codePointAt(0)! >= 0x80) return '\uFFFD';
  return undefined;
}

function isLetter(c: string): boolean {
  return /^[A-Za-z]$/.test(c);
}

function isAlphaNumeric(c: string): boolean {
  return /^[A-Za-z0-9]$/.test(c);
}
