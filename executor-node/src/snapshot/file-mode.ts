// Reads `--chmod` values: octal (`755`) or symbolic (`u+x,go-w`) as chmod(1)
// takes them, applied to an existing mode.

/** Returns a function giving the new mode of a file or directory. */
export function parseChmod(
  spec: string,
): (mode: number, isDir: boolean) => number {
  if (/^[0-7]{1,4}$/.test(spec)) {
    const value = parseInt(spec, 8);
    return () => value;
  }
  const clauses = spec.split(',').map(parseClause);
  return (mode, isDir) =>
    clauses.reduce((m, clause) => clause(m, isDir), mode & 0o7777);
}

function parseClause(text: string): (mode: number, isDir: boolean) => number {
  const match = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(text);
  if (!match) throw new Error(`invalid chmod value "${text}"`);
  const [, who = '', op, perms = ''] = match;
  const targets = who === '' || who.includes('a') ? 'ugo' : who;

  return (mode, isDir) => {
    const anyExec = (mode & 0o111) !== 0;
    let bits = 0;
    for (const t of targets) {
      const shift = t === 'u' ? 6 : t === 'g' ? 3 : 0;
      if (perms.includes('r')) bits |= 4 << shift;
      if (perms.includes('w')) bits |= 2 << shift;
      if (perms.includes('x') || (perms.includes('X') && (isDir || anyExec))) {
        bits |= 1 << shift;
      }
      if (perms.includes('s') && t === 'u') bits |= 0o4000;
      if (perms.includes('s') && t === 'g') bits |= 0o2000;
    }
    if (perms.includes('t')) bits |= 0o1000;

    if (op === '+') return mode | bits;
    if (op === '-') return mode & ~bits;
    let cleared = mode;
    for (const t of targets) {
      const shift = t === 'u' ? 6 : t === 'g' ? 3 : 0;
      cleared &= ~(7 << shift);
    }
    return cleared | bits;
  };
}
