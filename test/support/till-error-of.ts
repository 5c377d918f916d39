import assert from 'node:assert/strict';
import { TillError } from '../../main/errors';

/** Runs fn and returns the TillError it threw; fails the test if it threw anything else or nothing. */
export function tillErrorOf(fn: () => unknown): TillError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof TillError, `expected a TillError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected an error');
}
