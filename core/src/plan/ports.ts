// EXPOSE values: `80`, `80/udp`, `8000-8002/tcp`, even `127.0.0.1:80:80`,
// split and checked as BuildKit does, then turned into `<port>/<proto>` keys.

import { goQuote } from '../diagnostics/go-quote.ts';

/** The parts of one EXPOSE spec: `[ip:][hostPort:]port[/proto]`. */
export interface PortSpec {
  raw: string;
  ip: string;
  hostPort: string;
  /** The container port or range, without the protocol. */
  port: string;
  /** The protocol as written (`tcp` when none). */
  proto: string;
}

/** Splits one EXPOSE spec into its parts, or returns BuildKit's error. */
export function splitPortSpec(
  raw: string,
): { spec: PortSpec; error?: undefined } | { error: string } {
  const [ip, hostPort, containerPort] = splitParts(raw);
  const slash = containerPort.indexOf('/');
  const port = slash < 0 ? containerPort : containerPort.slice(0, slash);
  const written = slash < 0 ? '' : containerPort.slice(slash + 1);
  const invalid = (why: string) => ({
    error: `invalid port: ${goQuote(raw)}: ${why}`,
  });
  if (port === '') return invalid('no port specified');
  const lower = written.toLowerCase();
  if (lower !== '' && lower !== 'tcp' && lower !== 'udp' && lower !== 'sctp') {
    return invalid(`invalid proto: ${written}`);
  }
  const proto = written === '' ? 'tcp' : written;
  return { spec: { raw, ip, hostPort, port, proto } };
}

/** Turns a split spec into `port/proto` keys, or returns BuildKit's error. */
export function exposedPorts(
  spec: PortSpec,
): { ports: string[]; error?: undefined } | { error: string } {
  let ip = spec.ip;
  if (ip.startsWith('[')) {
    const host = bracketedHost(ip);
    if (host.error !== undefined) {
      return { error: `invalid IP address ${ip}: ${host.error}` };
    }
    ip = host.host;
  }
  if (ip !== '' && !isIp(ip)) return { error: `invalid IP address: ${ip}` };

  const range = parsePortRange(spec.port);
  if (!range) return { error: `invalid containerPort: ${spec.port}` };
  if (spec.hostPort !== '') {
    const host = parsePortRange(spec.hostPort);
    if (!host) return { error: `invalid hostPort: ${spec.hostPort}` };
    // A host range is allowed only against a single container port.
    if (range[1] - range[0] !== host[1] - host[0] && range[1] !== range[0]) {
      return {
        error: `invalid ranges specified for container and host Ports: ${spec.port} and ${spec.hostPort}`,
      };
    }
  }

  const proto = spec.proto.toLowerCase();
  const ports: string[] = [];
  for (let p = range[0]; p <= range[1]; p++) ports.push(`${p}/${proto}`);
  return { ports };
}

function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  const n = parts.length;
  if (n === 1) return ['', '', parts[0]];
  if (n === 2) return ['', parts[0], parts[1]];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2], parts[n - 1]];
}

function parsePortRange(text: string): [number, number] | undefined {
  if (text === '') return undefined;
  const dash = text.indexOf('-');
  const startText = dash < 0 ? text : text.slice(0, dash);
  const endText = dash < 0 ? '' : text.slice(dash + 1);
  const start = parsePortNumber(startText);
  if (start === undefined) return undefined;
  if (dash < 0 || startText === endText) return [start, start];
  const end = parsePortNumber(endText);
  if (end === undefined || end < start) return undefined;
  return [start, end];
}

function parsePortNumber(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 0 && n <= 65535 ? n : undefined;
}

// Go's net.SplitHostPort on `<ip>:`, for a bracketed IPv6 address.
function bracketedHost(
  ip: string,
): { host: string; error?: undefined } | { error: string } {
  const address = `${ip}:`;
  const fail = (why: string) => ({ error: `address ${address}: ${why}` });
  const end = address.indexOf(']');
  if (end < 0) return fail("missing ']' in address");
  const colon = address.length - 1;
  if (end + 1 !== colon) {
    return fail(
      address[end + 1] === ':'
        ? 'too many colons in address'
        : 'missing port in address',
    );
  }
  const host = address.slice(1, end);
  if (host.includes('[')) return fail("unexpected '[' in address");
  if (host.includes(']')) return fail("unexpected ']' in address");
  return { host };
}

/** Tells whether text is an IPv4 or IPv6 address as Go's net.ParseIP reads it. */
export function isIp(text: string): boolean {
  return isIpv4(text) || isIpv6(text);
}

function isIpv4(text: string): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  return parts.every(
    (part) =>
      /^\d{1,3}$/.test(part) &&
      Number(part) <= 255 &&
      (part.length === 1 || part[0] !== '0'),
  );
}

function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...tail];

  // An embedded IPv4 address may end the address and counts as two groups.
  let count = all.length;
  const last = halves.length === 2 && tail.length === 0 ? '' : all.at(-1);
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4(last)) return false;
    all.pop();
    count++;
  }
  if (!all.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return false;
  return halves.length === 2 ? count < 8 : count === 8;
}
