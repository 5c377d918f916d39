import { randomBytes } from 'node:crypto';
import { storeLine } from './store';
import { parseRfc3339 } from '../../alipay/rfc3339';
import { suspectFor } from '../../checkout/integrity-watch';
import { isTillError } from '../../errors';
import { tillHostHolder } from '../../runtime/host-lock';
import type { Till } from '../../runtime/open-till';
import { parse } from '../args';
import { EXIT } from '../output';
import { attemptLine } from '../render-attempt';
import type { CommandContext } from '../command-context';
import { withTill } from '../with-till';

type Verdict = 'ok' | 'warn' | 'fail';
interface Check {
  name: string;
  verdict: Verdict;
  detail: string;
}

const CLOCK_WARN_MS = 30_000;

async function keyChecks(till: Till): Promise<Check[]> {
  let status;
  try {
    status = await till.vault.status();
  } catch (error) {
    return [{ name: 'keychain', verdict: 'fail', detail: isTillError(error) ? error.message : String(error) }];
  }
  const checks: Check[] = [{ name: 'keychain', verdict: 'ok', detail: 'OS keychain reachable' }];
  const m = status.merchantPrivateKey;
  checks.push(
    !m.present
      ? { name: 'merchant key', verdict: 'fail', detail: 'missing: run `till keys generate` (or import-private)' }
      : !m.valid || status.merchantKeyPairConsistent === false
        ? { name: 'merchant key', verdict: 'fail', detail: 'stored but unusable: re-import it' }
        : { name: 'merchant key', verdict: 'ok', detail: `present, signs and verifies (${m.fingerprint})` },
  );
  if (till.sandbox()) {
    checks.push({ name: 'gateway key', verdict: 'ok', detail: 'sandbox profile: answers are checked with the built-in sandbox key' });
  } else {
    const a = status.alipayPublicKey;
    checks.push(
      !a.present
        ? { name: 'gateway key', verdict: 'fail', detail: 'live profile without the Alipay public key: nothing is sent until `till keys import-alipay-public FILE`' }
        : status.alipayKeyIsMerchantKey
          ? { name: 'gateway key', verdict: 'fail', detail: "the stored Alipay public key is the merchant's own key" }
          : { name: 'gateway key', verdict: a.valid ? 'ok' : 'fail', detail: a.valid ? `Alipay public key present (${a.fingerprint})` : 'Alipay public key unusable' },
    );
  }
  return checks;
}

/** A payQuery for an order that cannot exist proves the whole chain: TLS, our signature, theirs. */
async function gatewayChecks(till: Till): Promise<Check[]> {
  const base = till.config()['gateway.baseUrl'];
  let attempt;
  try {
    attempt = await till.client().payQuery({ merchantTransId: `DOCTOR-${randomBytes(6).toString('hex')}` });
  } catch (error) {
    return [{ name: 'gateway', verdict: 'fail', detail: isTillError(error) ? error.message : String(error) }];
  }
  const o = attempt.outcome;
  const checks: Check[] = [];
  if (o.kind === 'U') {
    const hint = o.reason === 'unreachable' && till.sandbox() ? ' (is `till sandbox` running?)' : o.reason === 'rejected' ? `. ${suspectFor(o.detail).message}` : '';
    return [{ name: 'gateway', verdict: 'fail', detail: `${base}: ${o.detail}${hint}` }];
  }
  const ms = attempt.receivedAt - attempt.sentAt;
  checks.push(
    o.info.action === 'alarm'
      ? { name: 'gateway', verdict: 'fail', detail: `${base} answered ${attemptLine(attempt)}` }
      : { name: 'gateway', verdict: 'ok', detail: `${base} answered a signed ${o.result.resultCode} in ${ms} ms${till.sandbox() ? ' (SANDBOX)' : ''}` },
  );
  const respTime = /"respTime"\s*:\s*"([^"]+)"/.exec(attempt.rawResponse ?? '')?.[1];
  const theirs = respTime === undefined ? undefined : parseRfc3339(respTime);
  if (theirs === undefined) {
    checks.push({ name: 'clock', verdict: 'warn', detail: 'the gateway gave no respTime to compare with' });
  } else {
    const offset = Math.round(theirs - (attempt.sentAt + attempt.receivedAt) / 2);
    // respTime has one-second resolution: anything within a second plus the round trip is "in sync".
    const slack = 1000 + ms;
    const verdict: Verdict = Math.abs(offset) > CLOCK_WARN_MS ? 'warn' : 'ok';
    checks.push({ name: 'clock', verdict, detail: Math.abs(offset) <= slack ? 'in sync with the gateway' : `${offset > 0 ? 'behind' : 'ahead of'} the gateway by about ${Math.round(Math.abs(offset) / 1000)} s` });
  }
  return checks;
}

/** Open alarms: an INTEGRITY or CONFIG alarm means payments cannot be trusted or sent. */
function alarmChecks(till: Till): Check[] {
  const open = till.journal.openAlarms();
  if (open.length === 0) return [{ name: 'alarms', verdict: 'ok', detail: 'none open' }];
  return open.map((a) => ({
    name: 'alarm',
    verdict: a.kind === 'INTEGRITY' || a.kind === 'CONFIG' ? 'fail' : 'warn',
    detail: `${a.kind}${a.code === null ? '' : ` ${a.code}`} (#${a.id}): ${a.message}`,
  }));
}

/** "store: 312 changes not yet sent, last sent 14:02": a backlog is a warning, never a failure (sales go on). */
function storeCheck(till: Till): Check {
  const line = storeLine(till).replace(/^store: /, '');
  const cursor = till.journal.outbox.cursor();
  return { name: 'store', verdict: cursor.enabled && (cursor.backlog > 0 || cursor.lastError !== null) ? 'warn' : 'ok', detail: line };
}

export function run(ctx: CommandContext): Promise<number> {
  parse(ctx.args, {}, { min: 0, max: 0, usage: 'till doctor' });
  return withTill(ctx, async (till) => {
    const holder = tillHostHolder(till.dataDir);
    const checks: Check[] = [
      { name: 'data', verdict: 'ok', detail: `${till.dataDir} (profile ${till.profile.id})` },
      { name: 'till app', verdict: 'ok', detail: holder === null ? 'none is running on this data directory' : `${holder} is running on this data directory` },
    ];
    let sandbox: boolean;
    try {
      sandbox = till.sandbox();
    } catch (error) {
      // A sandbox profile with a real gateway's address, or another stored value gone bad: said, not tried.
      if (!isTillError(error)) throw error;
      checks.push({ name: 'mode', verdict: 'fail', detail: `${error.message} [${error.code}]` });
      return report(ctx, checks, null);
    }
    checks.push(
      sandbox
        ? { name: 'mode', verdict: 'ok', detail: 'SANDBOX (profile.mode): pretend payments on the built-in sandbox gateway, no money moves' }
        : { name: 'mode', verdict: 'ok', detail: 'live (profile.mode): real payments, answers checked with the imported Alipay public key' },
    );
    const keys = await keyChecks(till);
    checks.push(...keys, ...alarmChecks(till), storeCheck(till));
    if (keys.every((c) => c.verdict !== 'fail')) checks.push(...(await gatewayChecks(till)));
    else checks.push({ name: 'gateway', verdict: 'warn', detail: 'not tried: fix the keys first' });
    return report(ctx, checks, sandbox);
  });
}

/** `sandbox` is null when the mode could not be read. */
function report(ctx: CommandContext, checks: Check[], sandbox: boolean | null): number {
  const ok = checks.every((c) => c.verdict !== 'fail');
  ctx.out.result({ ok, sandbox, checks });
  for (const c of checks) ctx.out.say(`${c.verdict === 'ok' ? 'ok  ' : c.verdict === 'warn' ? 'warn' : 'FAIL'}  ${c.name.padEnd(12)} ${c.detail}`);
  return ok ? EXIT.ok : EXIT.failed;
}
