// The executor's one logger: levels, a fixed prefix (warnings read `WARNING:`
// as buildx prints them), and per-area debug output switched on with
// SLIPWAY_DEBUG=area[,area...] (or `*` for every area).

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';

/** Where log lines go; stderr unless a caller passes another sink. */
export type LogSink = (line: string) => void;

export interface Logger {
  level: LogLevel;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  /** Writes a debug line for `area` when that area is switched on. */
  debug(area: string, message: string): void;
  /** Reports whether debug output for `area` is switched on. */
  isDebugEnabled(area: string): boolean;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** The SLIPWAY_DEBUG value: comma-separated areas, or `*`. */
  debugAreas?: string;
  sink?: LogSink;
  prefix?: string;
}

const RANK: Record<LogLevel, number> = {
  silent: 0,
  error: 1,
  warn: 2,
  info: 3,
  debug: 4,
};

/** Creates a logger that writes lines at or above `level` to its sink. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const sink = options.sink ?? ((line) => process.stderr.write(line + '\n'));
  const prefix = options.prefix ?? '[slipway]';
  const areas = parseAreas(options.debugAreas);

  const write = (tag: string, message: string) => {
    for (const line of message.split('\n')) sink(`${prefix} ${tag}${line}`);
  };
  const isDebugEnabled = (area: string) =>
    areas.has('*') || areas.has(area.toLowerCase());

  const logger: Logger = {
    level: options.level ?? (areas.size > 0 ? 'debug' : 'info'),
    error: (message) => {
      if (RANK[logger.level] >= RANK.error) write('error: ', message);
    },
    // Warnings read as buildx prints its own: `WARNING: ...`, no prefix.
    warn: (message) => {
      if (RANK[logger.level] < RANK.warn) return;
      for (const line of message.split('\n')) sink(`WARNING: ${line}`);
    },
    info: (message) => {
      if (RANK[logger.level] >= RANK.info) write('', message);
    },
    debug: (area, message) => {
      if (!isDebugEnabled(area)) return;
      if (RANK[logger.level] >= RANK.debug) write(`${area}: `, message);
    },
    isDebugEnabled,
  };
  return logger;
}

/** The process-wide logger, configured from SLIPWAY_DEBUG. */
export const logger: Logger = createLogger({
  debugAreas: process.env.SLIPWAY_DEBUG,
});

function parseAreas(value: string | undefined): Set<string> {
  if (!value) return new Set();
  return new Set(
    value
      .split(',')
      .map((area) => area.trim().toLowerCase())
      .filter((area) => area !== ''),
  );
}
