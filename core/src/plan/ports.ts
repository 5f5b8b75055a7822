// EXPOSE values: `80`, `80/udp`, `8000-8002/tcp`, as BuildKit turns them
// into the image config's `<port>/<proto>` keys.

/** Parses one exposed port spec into `port/proto` keys, or BuildKit's error. */
export function parseExposedPort(
  raw: string,
): { ports: string[]; error?: undefined } | { error: string } {
  const colon = raw.lastIndexOf(':');
  const containerPart = colon >= 0 ? raw.slice(colon + 1) : raw;
  const slash = containerPart.indexOf('/');
  const port = slash >= 0 ? containerPart.slice(0, slash) : containerPart;
  const proto = slash >= 0 ? containerPart.slice(slash + 1) : 'tcp';
  if (port === '')
    return {
      error: `invalid port: ${JSON.stringify(raw)}: no port specified: ${containerPart}<empty>`,
    };
  if (proto === '')
    return {
      error: `invalid port: ${JSON.stringify(raw)}: invalid proto: ${proto}`,
    };

  const range = parseRange(port);
  if (!range) return { error: `invalid containerPort: ${port}` };
  const out: string[] = [];
  for (let p = range[0]; p <= range[1]; p++)
    out.push(`${p}/${proto.toLowerCase()}`);
  return { ports: out };
}

function parseRange(text: string): [number, number] | undefined {
  const dash = text.indexOf('-');
  const start = parsePort(dash >= 0 ? text.slice(0, dash) : text);
  if (start === undefined) return undefined;
  if (dash < 0 || text.slice(0, dash) === text.slice(dash + 1))
    return [start, start];
  const end = parsePort(text.slice(dash + 1));
  if (end === undefined || end < start) return undefined;
  return [start, end];
}

function parsePort(text: string): number | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 0 && n <= 65535 ? n : undefined;
}
