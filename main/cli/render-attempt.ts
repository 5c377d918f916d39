import type { Attempt } from '../alipay/outcome';
import { EXIT } from './output';

/** The stable JSON shape of one gateway exchange (README: "JSON output"). */
export function attemptJson(attempt: Attempt<unknown>): Record<string, unknown> {
  const o = attempt.outcome;
  return {
    api: attempt.api,
    reqMsgId: attempt.reqMsgId,
    status: o.kind,
    resultCode: o.kind === 'U' ? (o.result?.resultCode ?? null) : o.result.resultCode,
    resultMessage: o.kind === 'U' ? o.detail : (o.result.resultMsg ?? null),
    action: o.kind === 'U' ? 'retry' : o.info.action,
    cashierMessage: o.kind === 'U' ? 'No clear answer from Alipay yet. Checking…' : o.info.message,
    unknownReason: o.kind === 'U' ? o.reason : null,
    httpStatus: attempt.httpStatus ?? null,
    elapsedMs: attempt.receivedAt - attempt.sentAt,
  };
}

export function attemptLine(attempt: Attempt<unknown>): string {
  const o = attempt.outcome;
  const ms = attempt.receivedAt - attempt.sentAt;
  if (o.kind === 'U') return `unknown outcome (${o.reason}): ${o.detail} [${ms} ms]`;
  const msg = o.kind === 'S' ? 'ok' : `${o.result.resultCode}: ${o.info.message}`;
  return `${o.kind} ${msg} [${ms} ms]`;
}

export function exitFor(attempt: Attempt<unknown>): number {
  const kind = attempt.outcome.kind;
  return kind === 'S' ? EXIT.ok : kind === 'F' ? EXIT.declined : EXIT.unknown;
}
