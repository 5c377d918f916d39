import { TillError } from '../../errors';
import { API, type ApiName } from '../functions';
import { seededRandom, type Random } from './prng';
import { isSandboxAnswerable } from './result-info';

/**
 * What goes wrong between the till and the gateway, on purpose and reproducibly. Real
 * networks lose answers, not only requests: with `processFirst` the gateway does the work
 * (order created, cancelled, refunded) and then the answer is lost or spoiled, which is the
 * case a till must resolve by resending, querying and cancelling, never by guessing.
 */

export const FAULT_KINDS = ['unknown', 'http5xx', 'drop', 'badSignature', 'timeout', 'garbage'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultConfig {
  /** Added before every matching request is handled: fixed, or uniform in [min, max]. */
  latencyMs?: number | readonly [number, number];
  /** Per-request probabilities (0..1, adding up to at most 1); one fault at most per request. */
  unknown?: number;
  http5xx?: number;
  drop?: number;
  badSignature?: number;
  timeout?: number;
  garbage?: number;
  /** Probability that a faulted request is processed before the fault hides the answer. */
  processFirst?: number;
  /** How long a `timeout` holds the request before destroying the socket (default 30 s). */
  timeoutHoldMs?: number;
  /** Only these APIs suffer latency and faults; all when absent. */
  apis?: readonly ApiName[];
  /** Make an API answer this result code (after the gateway checks pass), to test each code. */
  forceResult?: Partial<Record<ApiName, string>>;
  /** Restarts the generator: the same seed and requests give the same faults. */
  seed?: number;
}

export interface FaultPlan {
  kind: FaultKind | undefined;
  processFirst: boolean;
  latencyMs: number;
}

export const DEFAULT_TIMEOUT_HOLD_MS = 30_000;
const MAX_LATENCY_MS = 600_000;

function invalid(field: string, problem: string): TillError {
  return new TillError('SANDBOX_FAULTS_INVALID', `faults: ${field} ${problem}`, { field });
}

function probability(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw invalid(field, 'must be a probability between 0 and 1');
  }
  return value;
}

function milliseconds(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_LATENCY_MS) {
    throw invalid(field, `must be a whole number of milliseconds from 0 to ${MAX_LATENCY_MS}`);
  }
  return value;
}

function apiName(value: unknown, field: string): ApiName {
  if (typeof value !== 'string' || !(value in API)) {
    throw invalid(field, `must be one of ${Object.keys(API).join(', ')}`);
  }
  return value as ApiName;
}

/** Checks a FaultConfig from code or from JSON (the control endpoint) and returns a clean copy. */
export function normalizeFaults(input: unknown): FaultConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('config', 'must be an object');
  const raw = input as Record<string, unknown>;
  const known = new Set<string>([...FAULT_KINDS, 'latencyMs', 'processFirst', 'timeoutHoldMs', 'apis', 'forceResult', 'seed']);
  for (const key of Object.keys(raw)) if (!known.has(key)) throw invalid(key, `is not a fault setting; known: ${[...known].join(', ')}`);

  const out: FaultConfig = {};
  let sum = 0;
  for (const kind of FAULT_KINDS) {
    if (raw[kind] === undefined) continue;
    out[kind] = probability(raw[kind], kind);
    sum += out[kind];
  }
  if (sum > 1 + 1e-9) throw invalid('probabilities', `add up to ${Number(sum.toFixed(6))}; they must not exceed 1`);
  if (raw.processFirst !== undefined) out.processFirst = probability(raw.processFirst, 'processFirst');
  if (raw.timeoutHoldMs !== undefined) out.timeoutHoldMs = milliseconds(raw.timeoutHoldMs, 'timeoutHoldMs');
  if (raw.latencyMs !== undefined) {
    const latency = raw.latencyMs;
    if (Array.isArray(latency)) {
      if (latency.length !== 2) throw invalid('latencyMs', 'must be a number or [min, max]');
      const min = milliseconds(latency[0], 'latencyMs[0]');
      const max = milliseconds(latency[1], 'latencyMs[1]');
      if (min > max) throw invalid('latencyMs', 'must have min <= max');
      out.latencyMs = [min, max];
    } else {
      out.latencyMs = milliseconds(latency, 'latencyMs');
    }
  }
  if (raw.apis !== undefined) {
    if (!Array.isArray(raw.apis)) throw invalid('apis', 'must be a list of API names');
    out.apis = raw.apis.map((a, i) => apiName(a, `apis[${i}]`));
  }
  if (raw.forceResult !== undefined) {
    const force = raw.forceResult;
    if (typeof force !== 'object' || force === null || Array.isArray(force)) throw invalid('forceResult', 'must be an object { api: resultCode }');
    out.forceResult = {};
    for (const [api, code] of Object.entries(force as Record<string, unknown>)) {
      const name = apiName(api, `forceResult.${api}`);
      if (typeof code !== 'string' || !isSandboxAnswerable(code)) throw invalid(`forceResult.${api}`, 'must be a result code of the spec tables');
      // A forced S would claim work that was never done.
      if (code === 'SUCCESS') throw invalid(`forceResult.${api}`, 'cannot be SUCCESS; remove the entry to get real answers');
      out.forceResult[name] = code;
    }
  }
  if (raw.seed !== undefined) {
    if (typeof raw.seed !== 'number' || !Number.isInteger(raw.seed)) throw invalid('seed', 'must be an integer');
    out.seed = raw.seed;
  }
  return out;
}

const TOKEN_NAMES: Record<string, FaultKind | 'processFirst' | 'seed' | 'latency' | 'hold' | 'apis'> = {
  unknown: 'unknown',
  '5xx': 'http5xx',
  http5xx: 'http5xx',
  drop: 'drop',
  badsig: 'badSignature',
  badsignature: 'badSignature',
  timeout: 'timeout',
  garbage: 'garbage',
  processfirst: 'processFirst',
  seed: 'seed',
  latency: 'latency',
  hold: 'hold',
  apis: 'apis',
};

function tokenError(token: string, problem: string): TillError {
  return new TillError('SANDBOX_FAULTS_INVALID', `fault token "${token}": ${problem}`, { field: token });
}

function tokenNumber(token: string, text: string, what: string): number {
  if (!/^\d+(\.\d+)?$/.test(text)) throw tokenError(token, `${JSON.stringify(text)} is not ${what}`);
  return Number(text);
}

/**
 * The compact form for the command line and the control endpoint:
 * "unknown=0.2,5xx=0.1,drop=0.05,badsig=0.05,timeout=0.05,garbage=0.02,latency=50-200,
 *  processFirst=0.5,seed=7,hold=5000,apis=preCreate|payQuery,force.preCreate=RISK_REJECT".
 */
export function parseFaults(text: string): FaultConfig {
  const raw: Record<string, unknown> = {};
  for (const token of text.split(/[\s,]+/).filter((t) => t !== '')) {
    const setting = parseToken(token);
    try {
      normalizeFaults(setting);
    } catch (error) {
      if (error instanceof TillError) throw tokenError(token, error.message.replace(/^faults: /, ''));
      throw error;
    }
    for (const key of Object.keys(setting)) {
      if (key !== 'forceResult' && key in raw) throw tokenError(token, `${key} is given twice`);
    }
    if (setting.forceResult) setting.forceResult = { ...(raw.forceResult as object | undefined), ...(setting.forceResult as object) };
    Object.assign(raw, setting);
  }
  // Only cross-token problems are left (probabilities adding up to more than 1).
  return normalizeFaults(raw);
}

function parseToken(token: string): Record<string, unknown> {
  const eq = token.indexOf('=');
  if (eq <= 0) throw tokenError(token, 'expected name=value');
  const name = token.slice(0, eq);
  const value = token.slice(eq + 1);
  if (value === '') throw tokenError(token, 'has no value');
  if (name.toLowerCase().startsWith('force.')) {
    const api = name.slice('force.'.length);
    if (!(api in API)) throw tokenError(token, `unknown API "${api}"; known: ${Object.keys(API).join(', ')}`);
    return { forceResult: { [api]: value } };
  }
  const key = TOKEN_NAMES[name.toLowerCase()];
  if (key === undefined) throw tokenError(token, `unknown name "${name}"; known: ${Object.keys(TOKEN_NAMES).join(', ')}, force.<api>`);
  switch (key) {
    case 'latency': {
      const m = /^(\d+)(?:-(\d+))?$/.exec(value);
      if (!m) throw tokenError(token, 'latency must be N or MIN-MAX milliseconds');
      return { latencyMs: m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])] };
    }
    case 'hold':
      return { timeoutHoldMs: tokenNumber(token, value, 'a number of milliseconds') };
    case 'seed':
      if (!/^-?\d+$/.test(value)) throw tokenError(token, 'seed must be an integer');
      return { seed: Number(value) };
    case 'apis':
      return { apis: value.split('|') };
    default:
      return { [key]: tokenNumber(token, value, 'a probability') };
  }
}

/** Holds the current configuration and draws the per-request plan from a seeded generator. */
export class FaultInjector {
  private config: FaultConfig;
  private random: Random;

  constructor(config: FaultConfig = {}, seed: number = Math.floor(Math.random() * 2 ** 31)) {
    this.config = normalizeFaults(config);
    this.random = seededRandom(this.config.seed ?? seed);
  }

  set(config: FaultConfig): void {
    const clean = normalizeFaults(config);
    this.config = clean;
    if (clean.seed !== undefined) this.random = seededRandom(clean.seed);
  }

  current(): FaultConfig {
    return structuredClone(this.config) as FaultConfig;
  }

  get timeoutHoldMs(): number {
    return this.config.timeoutHoldMs ?? DEFAULT_TIMEOUT_HOLD_MS;
  }

  forcedResult(api: ApiName): string | undefined {
    return this.config.forceResult?.[api];
  }

  /** A number in [0, 1) from the same generator, for choosing among fault variants. */
  draw(): number {
    return this.random();
  }

  /** Always draws three numbers, so one request's plan never shifts the next one's. */
  plan(api: ApiName): FaultPlan {
    const [rKind, rFirst, rLatency] = [this.random(), this.random(), this.random()];
    const c = this.config;
    if (c.apis && !c.apis.includes(api)) return { kind: undefined, processFirst: false, latencyMs: 0 };
    let kind: FaultKind | undefined;
    let cumulative = 0;
    for (const k of FAULT_KINDS) {
      cumulative += c[k] ?? 0;
      if (rKind < cumulative) {
        kind = k;
        break;
      }
    }
    const latency = c.latencyMs ?? 0;
    const latencyMs = typeof latency === 'number' ? latency : latency[0] + Math.floor(rLatency * (latency[1] - latency[0] + 1));
    return { kind, processFirst: kind !== undefined && rFirst < (c.processFirst ?? 0), latencyMs };
  }
}
