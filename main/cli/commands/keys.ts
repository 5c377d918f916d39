import fs from 'node:fs';
import { TillError } from '../../errors';
import { assertMerchantKeyReplaceable, auditedKeyChange } from '../../config/key-changes';
import { SupervisorPin } from '../../config/supervisor-pin';
import { parse } from '../args';
import { readAllStdin, readSecretLine } from '../read-secret';
import { EXIT, UsageError } from '../output';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE =
  'till keys generate [--replace] | import-private FILE [--replace] | import-alipay-public FILE | show-public | status | set-isv-token | delete-isv-token | set-pin [--code] | reset-pin | unlock-pin';

const VERBS = ['generate', 'import-private', 'import-alipay-public', 'show-public', 'status', 'set-isv-token', 'delete-isv-token', 'set-pin', 'reset-pin', 'unlock-pin'];

function readKeyFile(file: string, field: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (cause) {
    // The path is named, the content never is.
    throw new TillError('FILE_UNREADABLE', `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { field, cause });
  }
}

/** The new PIN, typed twice at a TTY (once from a pipe); never an argument. */
async function readNewPin(): Promise<string> {
  const first = await readSecretLine('New supervisor PIN (6 to 12 digits): ');
  if (process.stdin.isTTY === true && (await readSecretLine('Again: ')) !== first) {
    throw new TillError('PIN_MISMATCH', 'The two PINs differ; nothing was changed.', { field: 'pin' });
  }
  return first;
}

export function run(ctx: CommandContext): Promise<number> {
  const [verb, ...rest] = ctx.args;
  // Refused before the till is opened: a mistyped verb must not create a data directory.
  if (!VERBS.includes(verb ?? '')) throw new UsageError(`usage: ${USAGE}`);
  const { values, positionals } = parse(rest, { replace: { type: 'boolean' }, code: { type: 'boolean' } }, { min: 0, max: 1, usage: USAGE });
  const replace = values.replace === true;
  if (values.code === true && verb !== 'set-pin') throw new UsageError(`--code is for set-pin; usage: ${USAGE}`);
  return withTill(ctx, async (till) => {
    const { out } = ctx;
    const supervisorPin = () => new SupervisorPin(till.vault, till.settings, till.journal, Date.now);
    switch (verb) {
      case 'generate': {
        if (replace) assertMerchantKeyReplaceable(till.journal);
        const info = await auditedKeyChange(till.vault, till.journal, 'cli', 'merchantPrivateKey', () => till.vault.generateMerchantKey({ replace }));
        out.result({ ok: true, publicKeyPem: info.publicKeyPem, fingerprint: info.fingerprint });
        out.say(`New merchant key (fingerprint ${info.fingerprint}). Upload this public key to the Alipay portal:\n\n${info.publicKeyPem}`);
        return EXIT.ok;
      }
      case 'import-private': {
        const file = positionals[0];
        if (!file) throw new UsageError(`usage: ${USAGE}`);
        const pem = readKeyFile(file, 'merchantPrivateKey');
        if (replace) assertMerchantKeyReplaceable(till.journal);
        const info = await auditedKeyChange(till.vault, till.journal, 'cli', 'merchantPrivateKey', () => till.vault.importMerchantPrivateKey(pem, { replace }));
        out.result({ ok: true, fingerprint: info.fingerprint });
        out.say(`Merchant private key stored in the OS keychain (fingerprint ${info.fingerprint}). You may now delete ${file}.`);
        return EXIT.ok;
      }
      case 'import-alipay-public': {
        const file = positionals[0];
        if (!file) throw new UsageError(`usage: ${USAGE}`);
        const pem = readKeyFile(file, 'alipayPublicKey');
        const info = await auditedKeyChange(till.vault, till.journal, 'cli', 'alipayPublicKey', () => till.vault.importAlipayPublicKey(pem));
        out.result({ ok: true, fingerprint: info.fingerprint });
        out.say(`Alipay public key stored (fingerprint ${info.fingerprint}).`);
        return EXIT.ok;
      }
      case 'show-public': {
        const pem = await till.vault.merchantPublicKeyPem();
        out.result({ ok: true, publicKeyPem: pem });
        out.say(pem.trimEnd());
        return EXIT.ok;
      }
      case 'status': {
        const status = await till.vault.status();
        out.result({ ok: true, ...status });
        const line = (name: string, p: { present: boolean; valid: boolean; fingerprint: string | null }) =>
          `${name}: ${p.present ? (p.valid ? `present (${p.fingerprint})` : 'present but unusable') : 'missing'}`;
        out.say(line('merchant private key', status.merchantPrivateKey));
        out.say(line('Alipay public key', status.alipayPublicKey));
        out.say(`ISV token: ${status.isvTokenSet ? 'set' : 'not set'}`);
        return EXIT.ok;
      }
      case 'set-isv-token': {
        await till.vault.setIsvToken((await readAllStdin()).trim());
        out.result({ ok: true });
        out.say('ISV access token stored in the OS keychain.');
        return EXIT.ok;
      }
      case 'delete-isv-token': {
        const removed = await till.vault.deleteIsvToken();
        out.result({ ok: true, removed });
        out.say(removed ? 'ISV access token removed.' : 'No ISV access token was stored.');
        return EXIT.ok;
      }
      case 'set-pin': {
        const pin = supervisorPin();
        if (values.code === true) {
          const { code, expiresAt } = await pin.issueSetupCode();
          out.result({ ok: true, code, expiresAt: new Date(expiresAt).toISOString() });
          out.say(`Setup code ${code}: on the supervisor screen, type it and then the new PIN, before ${new Date(expiresAt).toLocaleTimeString()}. It works once.`);
          return EXIT.ok;
        }
        await pin.setAtTerminal(await readNewPin());
        out.result({ ok: true });
        out.say('Supervisor PIN set; the supervisor sees an alarm saying so.');
        return EXIT.ok;
      }
      case 'reset-pin': {
        const removed = await supervisorPin().reset();
        out.result({ ok: true, removed });
        out.say(
          removed
            ? 'Supervisor PIN removed and the lockout cleared. Set a new one here: till keys set-pin (or set-pin --code for a code to type on the screen).'
            : 'No supervisor PIN was set; the lockout is cleared.',
        );
        return EXIT.ok;
      }
      case 'unlock-pin': {
        const wasLocked = await supervisorPin().unlock();
        out.result({ ok: true, wasLocked });
        out.say(wasLocked ? 'The supervisor lockout is lifted; the PIN is unchanged.' : 'The supervisor screen was not locked; the count of wrong PINs is cleared.');
        return EXIT.ok;
      }
      default:
        throw new UsageError(`usage: ${USAGE}`);
    }
  });
}
