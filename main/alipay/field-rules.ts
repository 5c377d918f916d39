import { TillError } from '../errors';
import { isKnownCurrency } from './currency';
import { parseRfc3339, isCalendarDate } from './rfc3339';
import { textProblem, utf8Length } from './utf8-text';

/**
 * One declarative description of each message, read by both roles: the client checks
 * what it is about to send, the sandbox gateway checks what it received. A rule that
 * exists once cannot disagree with itself.
 */

interface Base {
  required?: boolean;
}
export type Rule =
  /** Identifiers and codes: over the limit is an error, never cut. */
  | (Base & { kind: 'id'; max: number; pattern?: RegExp; hint?: string })
  /** Free text: the builder cuts it to fit; a received value over the limit is an error. */
  | (Base & { kind: 'text'; max: number; pattern?: RegExp; hint?: string })
  | (Base & { kind: 'enum'; values: readonly string[] })
  | (Base & { kind: 'datetime' })
  | (Base & { kind: 'date' })
  | (Base & { kind: 'boolean' })
  /** Number(N): digits; `json` = the spec's type column says Number, so only a JSON number. */
  | (Base & { kind: 'number'; max: number; json?: boolean })
  /** Date "yyyy-MM-dd HH:mm" (a real calendar day and clock time), several joined by |. */
  | (Base & { kind: 'date-minutes'; max: number })
  | (Base & { kind: 'money'; positive?: boolean })
  | (Base & { kind: 'url'; max: number })
  /** A String(N) whose content is a JSON object, checked by `inner` when given. */
  | (Base & { kind: 'json'; max: number; inner?: ObjectRule })
  | ObjectRule
  | (Base & { kind: 'list'; of: Rule; maxItems: number });

export type ObjectRule = Base & {
  kind: 'object';
  fields: Record<string, Rule>;
  /** Extension points ("for future use") accept keys the spec does not list. */
  open?: boolean;
  /** At least one of these keys must be present. */
  oneOf?: readonly string[];
  /** Rules that span fields; returns a problem or undefined. */
  refine?: (value: Record<string, unknown>) => FieldIssue | undefined;
};

export type IssueKind = 'missing' | 'too_long' | 'invalid' | 'unknown_field' | 'currency';

export interface FieldIssue {
  path: string;
  kind: IssueKind;
  problem: string;
}

export function describeIssue(issue: FieldIssue): string {
  return `${issue.path} ${issue.problem}`;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

export function validate(value: unknown, rule: Rule, path: string, issues: FieldIssue[] = []): FieldIssue[] {
  if (!isPresent(value)) {
    if (rule.required) issues.push({ path, kind: 'missing', problem: 'is required' });
    return issues;
  }
  switch (rule.kind) {
    case 'id':
    case 'text':
    case 'url':
      checkString(value, rule, path, issues);
      break;
    case 'enum':
      if (typeof value !== 'string' || !rule.values.includes(value)) {
        issues.push({ path, kind: 'invalid', problem: `must be one of ${rule.values.join(', ')}` });
      }
      break;
    case 'datetime':
      if (typeof value !== 'string' || parseRfc3339(value) === undefined) {
        issues.push({ path, kind: 'invalid', problem: 'must be an RFC 3339 date-time with offset' });
      }
      break;
    case 'date':
      if (typeof value !== 'string' || !isCalendarDate(value)) issues.push({ path, kind: 'invalid', problem: 'must be a date yyyy-MM-dd' });
      break;
    case 'boolean':
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false') {
        issues.push({ path, kind: 'invalid', problem: 'must be true or false' });
      }
      break;
    case 'date-minutes':
      if (typeof value !== 'string' || utf8Length(value) > rule.max || !value.split('|').every(isDateMinute)) {
        issues.push({ path, kind: 'invalid', problem: 'must be yyyy-MM-dd HH:mm (a real date and time), several separated by |' });
      }
      break;
    case 'number': {
      if (rule.json && typeof value !== 'number') {
        issues.push({ path, kind: 'invalid', problem: 'must be a JSON number (the spec types it Number), not a string' });
        break;
      }
      const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
      if (typeof text !== 'string' || !/^\d+$/.test(text) || text.length > rule.max) {
        issues.push({ path, kind: 'invalid', problem: `must be a whole number of at most ${rule.max} digits` });
      }
      break;
    }
    case 'money':
      checkMoney(value, rule.positive ?? true, path, issues);
      break;
    case 'json':
      checkJsonString(value, rule, path, issues);
      break;
    case 'object':
      checkObject(value, rule, path, issues);
      break;
    case 'list':
      if (!Array.isArray(value)) {
        issues.push({ path, kind: 'invalid', problem: 'must be a list' });
      } else if (value.length > rule.maxItems) {
        issues.push({ path, kind: 'too_long', problem: `has more than ${rule.maxItems} entries` });
      } else {
        value.forEach((item, i) => validate(item, rule.of, `${path}[${i}]`, issues));
      }
      break;
  }
  return issues;
}

/** "2018-10-22 20:49": a calendar day that exists and a 24-hour clock time. */
function isDateMinute(text: string): boolean {
  const m = /^(\d{4}-\d{2}-\d{2}) ([01]\d|2[0-3]):[0-5]\d$/.exec(text);
  return m !== null && isCalendarDate(m[1]!);
}

function checkString(value: unknown, rule: Extract<Rule, { kind: 'id' | 'text' | 'url' }>, path: string, issues: FieldIssue[]): void {
  if (typeof value !== 'string') {
    issues.push({ path, kind: 'invalid', problem: 'must be a string' });
    return;
  }
  const problem = textProblem(value);
  if (problem) {
    issues.push({ path, kind: 'invalid', problem });
    return;
  }
  if (utf8Length(value) > rule.max) {
    issues.push({ path, kind: 'too_long', problem: `is longer than ${rule.max} bytes` });
    return;
  }
  if (rule.kind === 'url') {
    if (!/^https?:\/\/[^\s/?#]+[^\s]*$/i.test(value)) issues.push({ path, kind: 'invalid', problem: 'must be an http(s) URL' });
    return;
  }
  if (rule.kind === 'id' && /\s/.test(value)) {
    issues.push({ path, kind: 'invalid', problem: 'must not contain spaces' });
    return;
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    issues.push({ path, kind: 'invalid', problem: rule.hint ?? `does not match ${rule.pattern}` });
  }
}

function checkMoney(value: unknown, positive: boolean, path: string, issues: FieldIssue[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path, kind: 'invalid', problem: 'must be a Money object {currency, value}' });
    return;
  }
  const { currency, value: amount, ...rest } = value as Record<string, unknown>;
  for (const key of Object.keys(rest)) issues.push({ path: `${path}.${key}`, kind: 'unknown_field', problem: 'is not a field of Money' });
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    issues.push({ path: `${path}.currency`, kind: isPresent(currency) ? 'invalid' : 'missing', problem: 'must be a 3-letter ISO 4217 code' });
  } else if (!isKnownCurrency(currency)) {
    issues.push({ path: `${path}.currency`, kind: 'currency', problem: `${currency} is not a payable ISO 4217 currency (unknown, or its minor unit is N.A.)` });
  }
  const digits = typeof amount === 'number' && Number.isInteger(amount) && amount >= 0 ? String(amount) : amount;
  if (typeof digits !== 'string' || !/^\d+$/.test(digits)) {
    issues.push({ path: `${path}.value`, kind: isPresent(amount) ? 'invalid' : 'missing', problem: 'must be a whole number of minor units' });
  } else if (digits.length > 16) {
    issues.push({ path: `${path}.value`, kind: 'too_long', problem: 'is over Number(16)' });
  } else if (positive && Number(digits) <= 0) {
    issues.push({ path: `${path}.value`, kind: 'invalid', problem: 'must be greater than zero' });
  } else if (digits.length > 1 && digits.startsWith('0')) {
    issues.push({ path: `${path}.value`, kind: 'invalid', problem: 'must not have leading zeros' });
  }
}

function checkJsonString(value: unknown, rule: Extract<Rule, { kind: 'json' }>, path: string, issues: FieldIssue[]): void {
  if (typeof value !== 'string') {
    issues.push({ path, kind: 'invalid', problem: 'must be a string holding JSON' });
    return;
  }
  if (utf8Length(value) > rule.max) {
    issues.push({ path, kind: 'too_long', problem: `is longer than ${rule.max} bytes` });
    return;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    issues.push({ path, kind: 'invalid', problem: 'must hold a JSON object' });
    return;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    issues.push({ path, kind: 'invalid', problem: 'must hold a JSON object' });
    return;
  }
  if (rule.inner) checkObject(parsed, rule.inner, path, issues);
}

function checkObject(value: unknown, rule: ObjectRule, path: string, issues: FieldIssue[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ path, kind: 'invalid', problem: 'must be an object' });
    return;
  }
  const record = value as Record<string, unknown>;
  for (const [key, fieldRule] of Object.entries(rule.fields)) validate(record[key], fieldRule, `${path}.${key}`, issues);
  if (!rule.open) {
    for (const key of Object.keys(record)) {
      // hasOwn, not `in`: keys such as constructor or __proto__ are on every object's prototype.
      if (!Object.hasOwn(rule.fields, key)) issues.push({ path: `${path}.${key}`, kind: 'unknown_field', problem: 'is not a field of this message' });
    }
  }
  if (rule.oneOf && !rule.oneOf.some((key) => isPresent(record[key]))) {
    issues.push({ path: `${path}.${rule.oneOf[0]}`, kind: 'missing', problem: `or ${rule.oneOf.slice(1).join(' or ')} is required` });
  }
  const refined = rule.refine?.(record);
  if (refined) issues.push({ ...refined, path: `${path}.${refined.path}` });
}

/** Every body the till sends (preCreate and its siblings) passes here: the first fault, by field. */
export function checkBody(body: unknown, rule: ObjectRule): void {
  const issues = validate(body, rule, 'body');
  if (issues.length > 0) {
    const first = issues[0]!;
    throw new TillError('FIELD_INVALID', describeIssue(first), { field: first.path });
  }
}
