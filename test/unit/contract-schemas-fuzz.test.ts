// The schemas under random input (fast-check): for every channel, any JSON value, any JS
// value a structured clone can carry, and objects built from the channel's own field names
// with random values. validateRequest never throws; it answers either BAD_REQUEST or a
// value that is itself valid, plain JSON, and holds only the channel's fields.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CHANNELS, validateRequest, type Channel } from '../../preload/contract';
import { VALID_REQUESTS, fieldsOf, withField } from './contract-schemas-samples';

const RUNS = 300;

function check(channel: Channel, payload: unknown): void {
  let result;
  try {
    result = validateRequest(channel, payload);
  } catch (error) {
    assert.fail(`${channel} threw ${String(error)}`);
  }
  if (!result.ok) {
    assert.equal(result.error.code, 'BAD_REQUEST');
    assert.equal(typeof result.error.message, 'string');
    assert.ok(result.error.field === undefined || typeof result.error.field === 'string');
    return;
  }
  const text = JSON.stringify(result.value);
  assert.deepEqual(JSON.parse(text), result.value, `${channel}: the accepted value is not plain JSON`);
  const again = validateRequest(channel, JSON.parse(text));
  assert.ok(again.ok, `${channel}: the accepted value ${text} is not valid itself`);
  assert.deepEqual(again.value, result.value);
  const known = new Set(fieldsOf(VALID_REQUESTS[channel]).map((f) => f.path.replace(/\[\d+\]/g, '[]')));
  for (const field of fieldsOf(result.value)) {
    const shape = field.path.replace(/\[\d+\]/g, '[]');
    const isSetting = channel === 'settings.set' && shape.startsWith('values.');
    assert.ok(known.has(shape) || isSetting, `${channel}: the accepted value carries ${field.path}`);
  }
}

/** An object with some of the channel's own keys (and maybe a stray one), each holding anything. */
function nearValid(channel: Channel): fc.Arbitrary<unknown> {
  const sample = VALID_REQUESTS[channel];
  const fields = fieldsOf(sample);
  const topKeys = Object.keys(sample);
  const spoilt = fields.length === 0 ? fc.constant(sample) : fc.tuple(fc.constantFrom(...fields), fc.jsonValue()).map(([field, value]) => withField(sample, field.steps, value));
  const rebuilt = fc.dictionary(fc.constantFrom(...topKeys, 'extra', '__proto__'), fc.jsonValue(), { maxKeys: topKeys.length + 1 });
  return fc.oneof(spoilt, rebuilt);
}

describe('request schemas under random input', () => {
  for (const channel of CHANNELS) {
    test(`${channel}: never throws, always BAD_REQUEST or a valid value`, () => {
      fc.assert(fc.property(fc.jsonValue(), (payload) => check(channel, payload)), { numRuns: RUNS });
      fc.assert(
        fc.property(fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }), (payload) =>
          check(channel, payload),
        ),
        { numRuns: RUNS },
      );
      fc.assert(fc.property(nearValid(channel), (payload) => check(channel, payload)), { numRuns: RUNS });
    });
  }
});
