import fs from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { parseFaults } from '../../alipay/sandbox/faults';
import { startSandbox } from '../../alipay/sandbox/server';
import { TillError } from '../../errors';
import { sandboxBookFile } from '../../runtime/sandbox-book-file';
import { ensureMerchantKey } from '../../runtime/till-services';
import { parse, stringOption } from '../args';
import { EXIT, UsageError } from '../output';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

const USAGE = 'till sandbox [--port 8787] [--host 127.0.0.1] [--faults SPEC] [--tls-cert FILE --tls-key FILE] [--public-url URL]';

function readPem(file: string, field: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new TillError('FILE_UNREADABLE', `cannot read ${file}`, { field, cause });
  }
}

/**
 * Runs the built-in gateway for this data directory's profile: it plays Alipay with its
 * own key (kept in the keychain) and knows this till's client id, merchant id and public
 * key, so a fresh profile needs no other set-up.
 */
export function run(ctx: CommandContext): Promise<number> {
  const { values } = parse(
    ctx.args,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      faults: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'public-url': { type: 'string' },
    },
    { min: 0, max: 0, usage: USAGE },
  );
  return withTill(ctx, async (till) => {
    const config = till.config();
    const configured = new URL(config['gateway.baseUrl']);
    const portText = stringOption(values, 'port') ?? (configured.port || '8787');
    const port = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || port > 65535) throw new UsageError(`--port must be 0..65535, got ${JSON.stringify(portText)}\nusage: ${USAGE}`);
    const host = stringOption(values, 'host') ?? '127.0.0.1';
    const cert = stringOption(values, 'tls-cert');
    const key = stringOption(values, 'tls-key');
    if ((cert === undefined) !== (key === undefined)) throw new UsageError(`--tls-cert and --tls-key go together\nusage: ${USAGE}`);

    await ensureMerchantKey(till.vault, (line) => ctx.out.say(line));
    const merchantKey = await till.vault.getMerchantPrivateKey();
    // The book in its own file (issue 16 §3): a sandbox left running all day stays the same size.
    const store = sandboxBookFile(till.dataDir);
    const handle = await startSandbox({
      store,
      port,
      host,
      ...(cert && key ? { tls: { certPem: readPem(cert, 'tls-cert'), keyPem: readPem(key, 'tls-key') } } : {}),
      gatewayPrivateKey: await till.vault.getSandboxGatewayPrivateKey(),
      clients: [{ clientId: config['client.id'], merchantId: config['merchant.id'], publicKey: createPublicKey(merchantKey) }],
      ...(values.faults ? { faults: parseFaults(values.faults as string) } : {}),
      ...(stringOption(values, 'public-url') ? { publicBaseUrl: stringOption(values, 'public-url') } : {}),
    });
    // Listening for Ctrl-C before the URL is printed: whoever reacts to that line at once finds it in place.
    const stopped = new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    ctx.out.result({ ok: true, url: handle.url, clientId: config['client.id'], merchantId: config['merchant.id'] });
    ctx.out.say(`Sandbox gateway listening on ${handle.url} (client ${config['client.id']}, merchant ${config['merchant.id']}).`);
    if (handle.url.replace(/\/$/, '') !== config['gateway.baseUrl'].replace(/\/$/, '')) {
      ctx.out.say(`Note: this profile's gateway.baseUrl is ${config['gateway.baseUrl']}; set it with \`till config set gateway.baseUrl ${handle.url}\`.`);
    }
    if (!/^(127(?:\.\d{1,3}){3}|::1|localhost)$/i.test(host)) {
      // Loud, on stderr, even with --json: the gateway's API answers anyone who can reach it.
      process.stderr.write(
        `WARNING: the sandbox listens on ${host}, not only on this machine: anyone on the network can create and pay sandbox orders. Its control endpoints still answer loopback callers only. Use --host 127.0.0.1 unless phones must reach the QR pages.\n`,
      );
    }
    if (config['profile.mode'] === 'live') {
      // A live till trusts the imported Alipay key only: this gateway's answers fail its checks.
      ctx.out.say("Note: this profile is live (profile.mode): it checks answers with the imported Alipay public key, not this sandbox's.");
    }
    ctx.out.say('Ctrl-C stops it.');
    await stopped;
    await handle.close();
    return EXIT.ok;
  });
}
