import fs from 'node:fs';
import { TillError } from '../../errors';
import { SupervisorPin } from '../../ipc/supervisor-pin';
import { parse } from '../args';
import { EXIT, UsageError } from '../output';
import type { CommandContext } from '../till';
import { withTill } from '../with-till';

const USAGE =
  'till keys generate [--replace] | import-private FILE [--replace] | import-alipay-public FILE | show-public | status | set-isv-token | delete-isv-token | reset-pin';

const VERBS = ['generate', 'import-private', 'import-alipay-public', 'show-public', 'status', 'set-isv-token', 'delete-isv-token', 'reset-pin'];

function readKeyFile(file: string, field: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (cause) {
    // The path is named, the content never is.
    throw new TillError('FILE_UNREADABLE', `cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? 'error'}`, { field, cause });
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export function run(ctx: CommandContext): Promise<number> {
  const [verb, ...rest] = ctx.args;
  // Refused before the till is opened: a mistyped verb must not create a data directory.
  if (!VERBS.includes(verb ?? '')) throw new UsageError(`usage: ${USAGE}`);
  const { values, positionals } = parse(rest, { replace: { type: 'boolean' } }, { min: 0, max: 1, usage: USAGE });
  const replace = values.replace === true;
  return withTill(ctx, async (till) => {
    const { out } = ctx;
    switch (verb) {
      case 'generate': {
        const info = await till.vault.generateMerchantKey({ replace });
        out.result({ ok: true, publicKeyPem: info.publicKeyPem, fingerprint: info.fingerprint });
        out.say(`New merchant key (fingerprint ${info.fingerprint}). Upload this public key to the Alipay portal:\n\n${info.publicKeyPem}`);
        return EXIT.ok;
      }
      case 'import-private': {
        const file = positionals[0];
        if (!file) throw new UsageError(`usage: ${USAGE}`);
        const info = await till.vault.importMerchantPrivateKey(readKeyFile(file, 'merchantPrivateKey'), { replace });
        out.result({ ok: true, fingerprint: info.fingerprint });
        out.say(`Merchant private key stored in the OS keychain (fingerprint ${info.fingerprint}). You may now delete ${file}.`);
        return EXIT.ok;
      }
      case 'import-alipay-public': {
        const file = positionals[0];
        if (!file) throw new UsageError(`usage: ${USAGE}`);
        const info = await till.vault.importAlipayPublicKey(readKeyFile(file, 'alipayPublicKey'));
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
        await till.vault.setIsvToken(await readStdin());
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
      case 'reset-pin': {
        const removed = await new SupervisorPin(till.vault, till.settings, Date.now).reset();
        out.result({ ok: true, removed });
        out.say(removed ? 'Supervisor PIN removed and the lockout cleared: the supervisor screen asks for a new PIN.' : 'No supervisor PIN was set; the lockout is cleared.');
        return EXIT.ok;
      }
      default:
        throw new UsageError(`usage: ${USAGE}`);
    }
  });
}
