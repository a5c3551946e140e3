// The services' structured log (docs/operations.md#logs): pino, JSON lines, one child logger per
// component. No pino transports: they start worker threads (thread-stream) that do not bundle into
// Electron's main process; lines go straight to a destination made here, in this thread.
// With a data folder: every line at `logs.level` into the rotating file (log-file.ts), and warnings
// and errors also to stderr, readable, as the terminal showed them before. Without one: stderr only.
import { type DestinationStream, type Level, type Logger, multistream, pino } from 'pino';
import { join } from 'node:path';
import type { LogsHealth } from '../../core/contract.js';
import { RotatingLogFile } from './log-file.js';

export type { Logger } from 'pino';

/** Fields never written, at any of the first three levels of what is logged: passwords, tokens, cookies. */
const SECRET_FIELDS = ['password', 'passwordHash', 'token', 'tokenHash', 'secret', 'cookie', 'authorization', '"set-cookie"'];
export const REDACT_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

export interface LoggerOptions {
  level: Level;
  /** the data folder: logs go to <dataDir>/logs; none = stderr only */
  dataDir?: string | null;
  maxFileBytes: number;
  keepFiles: number;
  /** test hooks */
  now?: () => number;
  stderr?: (text: string) => void;
}

export interface WallLogger {
  log: Logger;
  /** the log file, when there is a data folder */
  file: RotatingLogFile | null;
  health(): LogsHealth | null;
  /** writes what waits and closes the file; later lines go to stderr */
  close(): void;
}

export const logsDir = (dataDir: string): string => join(dataDir, 'logs');

/** One line for a person: time, level, component and message (and an error's stack). */
export function readableLine(line: string): string {
  try {
    const o = JSON.parse(line) as { time?: string; level?: string; component?: string; msg?: string; err?: { stack?: string; message?: string } };
    const err = o.err ? `\n  ${(o.err.stack ?? o.err.message ?? '').replace(/\n/g, '\n  ')}` : '';
    return `${o.time ?? ''} ${String(o.level ?? '').toUpperCase()} ${o.component ?? 'watchfloor'}: ${o.msg ?? ''}${err}\n`;
  } catch {
    return line;
  }
}

export function createLogger(o: LoggerOptions): WallLogger {
  const stderr = o.stderr ?? ((t: string) => void process.stderr.write(t));
  const readable: DestinationStream = { write: (line: string) => stderr(readableLine(line)) };
  const file = o.dataDir ? new RotatingLogFile({ dir: logsDir(o.dataDir), maxFileBytes: o.maxFileBytes, keepFiles: o.keepFiles, fallback: stderr, ...(o.now ? { now: o.now } : {}) }) : null;
  const destination = file
    ? multistream([
        { level: o.level, stream: file },
        { level: 'warn', stream: readable },
      ])
    : readable;
  const log = pino(
    {
      level: o.level,
      timestamp: o.now ? () => `,"time":"${new Date(o.now!()).toISOString()}"` : pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[removed]' },
    },
    destination,
  );
  return {
    log,
    file,
    health: () => file?.health() ?? null,
    close: () => file?.close(),
  };
}

let fallback: Logger | null = null;

/** For parts made without the host's logger (unit tests, scripts): readable lines on stderr. */
export function stderrLogger(): Logger {
  fallback ??= createLogger({ level: 'info', maxFileBytes: 1024, keepFiles: 1 }).log;
  return fallback;
}
