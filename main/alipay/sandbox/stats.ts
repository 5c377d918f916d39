import { API, type ApiName } from '../functions';
import { FAULT_KINDS, type FaultKind } from './faults';
import type { SandboxStats } from './types';

/** Counters a soak test reads to check that every fault it asked for really happened. */
export class SandboxCounters {
  private requests = 0;
  private readonly byApi = Object.fromEntries(
    (Object.keys(API) as ApiName[]).map((api) => [api, { requests: 0, results: {} as Record<string, number> }]),
  ) as SandboxStats['byApi'];
  private readonly byResultCode: Record<string, number> = {};
  private readonly faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  private replays = 0;
  private readonly http: Record<string, number> = {};

  request(api: ApiName): void {
    this.requests += 1;
    this.byApi[api].requests += 1;
  }

  result(api: ApiName, code: string, replay: boolean): void {
    const results = this.byApi[api].results;
    results[code] = (results[code] ?? 0) + 1;
    this.byResultCode[code] = (this.byResultCode[code] ?? 0) + 1;
    if (replay) this.replays += 1;
  }

  fault(kind: FaultKind): void {
    this.faults[kind] += 1;
  }

  httpStatus(status: number): void {
    this.http[status] = (this.http[status] ?? 0) + 1;
  }

  snapshot(orders: number, tombstones: number): SandboxStats {
    return structuredClone({
      requests: this.requests,
      byApi: this.byApi,
      byResultCode: this.byResultCode,
      faults: this.faults,
      replays: this.replays,
      repeatInconsistent: this.byResultCode.REPEAT_REQ_INCONSISTENT ?? 0,
      http: this.http,
      orders,
      tombstones,
    });
  }
}
