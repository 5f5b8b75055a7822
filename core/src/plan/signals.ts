// STOPSIGNAL values Docker accepts: a number, or a Linux signal name with
// or without its SIG prefix (RTMIN+n and RTMAX-n included).

const NAMES = new Set([
  'ABRT',
  'ALRM',
  'BUS',
  'CHLD',
  'CLD',
  'CONT',
  'FPE',
  'HUP',
  'ILL',
  'INT',
  'IO',
  'IOT',
  'KILL',
  'PIPE',
  'POLL',
  'PROF',
  'PWR',
  'QUIT',
  'SEGV',
  'STKFLT',
  'STOP',
  'SYS',
  'TERM',
  'TRAP',
  'TSTP',
  'TTIN',
  'TTOU',
  'URG',
  'USR1',
  'USR2',
  'VTALRM',
  'WINCH',
  'XCPU',
  'XFSZ',
  'RTMIN',
  'RTMAX',
]);

/** Tells whether Docker's signal parser accepts a STOPSIGNAL value. */
export function isValidSignal(value: string): boolean {
  if (/^\d+$/.test(value)) return Number(value) > 0;
  const name = value.toUpperCase().replace(/^SIG/, '');
  if (NAMES.has(name)) return true;
  const rt = /^RTMIN\+(\d+)$|^RTMAX-(\d+)$/.exec(name);
  return rt !== null && Number(rt[1] ?? rt[2]) <= 15;
}
