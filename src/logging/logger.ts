/** Structured JSON logging. Callers pass only safe fields: never a token, cookie, secret or assertion. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` (e.g. the request id) to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel | 'silent';
  /** Where lines go; defaults to stdout. Tests pass a collector. */
  sink?: (line: string) => void;
  base?: LogFields;
}

export function createLogger({ level = 'info', sink, base = {} }: LoggerOptions = {}): Logger {
  const write = sink ?? ((line: string) => process.stdout.write(`${line}\n`));
  const threshold = ORDER[level];
  const emit = (lvl: LogLevel, msg: string, fields: LogFields = {}) => {
    if (ORDER[lvl] < threshold) return;
    write(JSON.stringify({ level: lvl, time: new Date().toISOString(), msg, ...base, ...fields }));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger({ level, sink: write, base: { ...base, ...fields } }),
  };
}

/** Name and code of an error, for a log line: never its message's data beyond that, never a stack to clients. */
export function describeError(error: unknown): LogFields {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      errorName: error.name,
      errorCode: typeof code === 'string' ? code : undefined,
      errorMessage: error.message,
    };
  }
  return { errorName: typeof error };
}
