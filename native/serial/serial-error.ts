/**
 * Errors of the serial layer. native/ may not import main/, so it has its own small class
 * with the shape main/ relies on: a stable string `code` and the port's `path`, named in
 * every message so a person knows which cable to look at.
 */
export type SerialErrorCode =
  /** Nothing at that path: wrong name, unplugged, or the adapter's driver is missing. */
  | 'PORT_NOT_FOUND'
  /** Another program (or another till process) holds the port. */
  | 'PORT_BUSY'
  /** The port exists but could not be opened or used (permissions, not a tty, I/O error). */
  | 'PORT_FAILED'
  /** The port went away while open (unplugged, adapter reset). */
  | 'PORT_DISCONNECTED'
  /** Written to after close() — a programming error or a race with shutdown. */
  | 'PORT_CLOSED'
  /** SerialPort.list() failed (on Linux it needs udev). */
  | 'LIST_FAILED';

export class SerialError extends Error {
  readonly code: SerialErrorCode;
  readonly path: string | undefined;

  constructor(code: SerialErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SerialError';
    this.code = code;
    this.path = options.path;
  }
}

export function isSerialError(value: unknown, code?: SerialErrorCode): value is SerialError {
  return value instanceof SerialError && (code === undefined || value.code === code);
}

function text(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/**
 * What an open() failure means. The bindings report errno only inside the message
 * ("Error: No such file or directory, cannot open /dev/ttyUSB0", "Cannot lock port"), so
 * the message is read; anything unrecognised is PORT_FAILED with the system's words kept.
 */
export function openFailure(path: string, cause: unknown): SerialError {
  const message = text(cause);
  const errno = (cause as { code?: unknown } | null)?.code;
  if (errno === 'ENOENT' || /no such file|cannot find|file not found|ENOENT/i.test(message)) {
    return new SerialError('PORT_NOT_FOUND', `serial port ${path} does not exist (unplugged, or a wrong name?)`, { path, cause });
  }
  if (errno === 'EBUSY' || /cannot lock port|resource busy|EBUSY|access denied/i.test(message)) {
    return new SerialError('PORT_BUSY', `serial port ${path} is in use by another program (another till window or process?)`, { path, cause });
  }
  if (errno === 'EACCES' || /permission denied|EACCES/i.test(message)) {
    return new SerialError('PORT_FAILED', `serial port ${path} cannot be opened: permission denied (add the user to the dialout group)`, { path, cause });
  }
  return new SerialError('PORT_FAILED', `serial port ${path} cannot be opened: ${message}`, { path, cause });
}

export function ioFailure(path: string, cause: unknown): SerialError {
  return new SerialError('PORT_FAILED', `serial port ${path} failed: ${text(cause)}`, { path, cause });
}
