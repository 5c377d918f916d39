/**
 * Turns whatever keytar/libsecret threw into a KeychainUnavailableError whose message says
 * what to install or start. keytar rejects with bare Error objects carrying libsecret's
 * GError text, so the only thing to go on is that text.
 */
import { KeychainUnavailableError, type UnavailableReason } from './errors';

const INSTALL_LINE = 'apt-get install -y gnome-keyring dbus dbus-x11';

const ADVICE: Record<Exclude<UnavailableReason, 'module' | 'timeout'>, string> = {
  'no-session-bus':
    'No D-Bus session bus is reachable, so the OS keychain cannot be used: run the till inside a desktop ' +
    `session, or start a session bus with a keyring (${INSTALL_LINE}; dbus-run-session) and set DBUS_SESSION_BUS_ADDRESS.`,
  'no-secret-service':
    'No Secret Service is reachable on D-Bus: start gnome-keyring (apt-get install -y gnome-keyring dbus) ' +
    'or run inside a desktop session.',
  locked:
    'The keyring is locked (or has no default collection) and no unlock prompt could be shown: unlock the ' +
    'login keyring by logging in to the desktop session, or start gnome-keyring-daemon with --unlock ' +
    '(password on standard input).',
  inconsistent: 'The OS keychain did not return the value just stored in it; it cannot be trusted with keys.',
  unknown: 'The OS keychain failed.',
};

const PATTERNS: ReadonlyArray<[RegExp, UnavailableReason]> = [
  [/autolaunch|could not connect|failed to connect|no such file or directory|connection refused|DBUS_SESSION_BUS_ADDRESS|session bus/i, 'no-session-bus'],
  [/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service|NoReply|secret service/i, 'no-secret-service'],
  [/locked|object does not exist|no such object|prompt|dismissed|IsLocked|not unlocked/i, 'locked'],
];

/** libsecret's own words help whoever reads the log; cut short, and dropped if they echo the secret. */
function detailOf(cause: unknown, secret: string | undefined): { text: string; leaks: boolean } {
  const raw = cause instanceof Error ? cause.message : String(cause);
  const leaks = secret !== undefined && secret !== '' && raw.includes(secret);
  return { text: leaks ? '' : raw.replace(/\s+/g, ' ').trim().slice(0, 200), leaks };
}

export function classifyKeytarFailure(cause: unknown): UnavailableReason {
  const message = cause instanceof Error ? cause.message : String(cause);
  for (const [pattern, reason] of PATTERNS) if (pattern.test(message)) return reason;
  return 'unknown';
}

/**
 * @param doing what the till was doing, e.g. `reading "default/merchant-private-key"`
 * @param secret the secret being written, if any, so it can never leak through `detail`
 */
export function keytarFailure(cause: unknown, doing: string, secret?: string): KeychainUnavailableError {
  const reason = classifyKeytarFailure(cause);
  const detail = detailOf(cause, secret);
  const advice = reason === 'module' || reason === 'timeout' ? ADVICE.unknown : ADVICE[reason];
  const said = detail.text === '' ? '' : `; keychain said: ${detail.text}`;
  return new KeychainUnavailableError(reason, `${advice} (while ${doing}${said})`, detail.leaks ? {} : { cause });
}

export function moduleFailure(cause: unknown): KeychainUnavailableError {
  const text = cause instanceof Error ? cause.message : String(cause);
  let advice =
    'The OS keychain module (keytar) could not be loaded: reinstall or rebuild it for this runtime ' +
    '(apt-get install -y libsecret-1-dev; npm rebuild keytar).';
  if (/libsecret/i.test(text)) {
    advice = 'The OS keychain library is missing: apt-get install -y libsecret-1-0 (and gnome-keyring for a Secret Service).';
  } else if (/NODE_MODULE_VERSION|was compiled against a different/i.test(text)) {
    advice =
      'The OS keychain module (keytar) was built for another Node/Electron version: rebuild it for this runtime ' +
      '(npm rebuild keytar, or electron-rebuild for the packaged app).';
  } else if (/cannot find module/i.test(text)) {
    advice = 'The OS keychain module (keytar) is not installed: npm install (it builds after apt-get install -y libsecret-1-dev).';
  }
  return new KeychainUnavailableError('module', advice, { cause });
}

export function timeoutFailure(doing: string, ms: number): KeychainUnavailableError {
  return new KeychainUnavailableError(
    'timeout',
    `The OS keychain did not answer within ${Math.round(ms / 100) / 10} s while ${doing}; a locked keyring ` +
      'may be waiting at an unlock prompt. Unlock it (or start gnome-keyring-daemon with --unlock) and retry.',
  );
}

export function inconsistentFailure(doing: string): KeychainUnavailableError {
  return new KeychainUnavailableError('inconsistent', `${ADVICE.inconsistent} (while ${doing})`);
}
