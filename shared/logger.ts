import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/** Secrets never reach the logs, whatever object carries them. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  '*.*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.key',
  '*.*.key',
];

export interface LoggerSettings {
  level?: string;
  name?: string;
  destination?: NodeJS.WritableStream;
}

/** One root logger per process; modules take `root.child({ module })`. JSON to stdout (journald). */
export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    name: settings.name ?? 'bladeframe',
    level: settings.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return settings.destination
    ? pino(options, settings.destination as pino.DestinationStream)
    : pino(options);
}

/** A logger that discards everything: the default in tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
