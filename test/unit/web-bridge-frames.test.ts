import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROUTER_ERROR_CODES } from '../../preload/contract';
import { parseBridgeFrame } from '../../main/web/bridge-frames';

test('a well-formed call', () => {
  assert.deepEqual(parseBridgeFrame('{"id":7,"channel":"till.status","request":{}}'), { kind: 'call', call: { id: 7, channel: 'till.status', request: {} } });
  // The router decides whether a missing request is acceptable for the channel.
  assert.deepEqual(parseBridgeFrame('{"id":0,"channel":"x"}'), { kind: 'call', call: { id: 0, channel: 'x', request: undefined } });
});

test('frames without a usable id cannot be answered', () => {
  for (const text of ['not json', '', '[1,2]', 'null', '42', '"s"', '{}', '{"id":"1","channel":"x"}', '{"id":1.5,"channel":"x"}', '{"id":-1,"channel":"x"}', '{"id":9007199254740993,"channel":"x"}']) {
    assert.equal(parseBridgeFrame(text).kind, 'unanswerable', text);
  }
});

test('an answerable frame with a bad field gets BAD_REQUEST naming it', () => {
  assert.deepEqual(parseBridgeFrame('{"id":3,"channel":5,"request":{}}'), {
    kind: 'refused',
    id: 3,
    error: { code: ROUTER_ERROR_CODES.badRequest, message: 'channel must be a string', field: 'channel' },
  });
  const extra = parseBridgeFrame('{"id":4,"channel":"till.status","request":{},"__proto__":{"x":1}}');
  assert.equal(extra.kind, 'refused');
  assert.equal(extra.kind === 'refused' && extra.error.field, 'frame');
  assert.equal(({} as Record<string, unknown>)['x'], undefined, 'nothing leaked into Object.prototype');
});

test('deeply nested JSON is handled without throwing', () => {
  const deep = `{"id":1,"channel":"c","request":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
  assert.ok(['call', 'unanswerable'].includes(parseBridgeFrame(deep).kind));
});
