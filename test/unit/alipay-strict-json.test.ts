// The strict JSON reader for signed messages: it refuses what JSON.parse lets through
// (duplicate keys, absurd nesting) and reports exact member spans for cutting signed text.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { JsonShapeError, parseStrict, scanTopLevel } from '../../main/alipay/strict-json';
import { anyUnicode, jsonEscapeAll } from '../support/protocol-fixtures';

function refused(fn: () => unknown, reason: JsonShapeError['reason']): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof JsonShapeError, `expected JsonShapeError, got ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    return true;
  });
}

/** Whitespace JSON allows between tokens, including none. */
const ws = fc.string({ unit: fc.constantFrom(' ', '\t', '\n', '\r'), maxLength: 4 });

/** A key written either plainly or with every unit \u-escaped: the same key, other bytes. */
const keyText = (key: string, escaped: boolean) => (escaped ? jsonEscapeAll(key) : JSON.stringify(key));

describe('duplicate keys', () => {
  test('refused at the top, nested in objects and inside arrays', () => {
    refused(() => parseStrict('{"a":1,"a":2}'), 'duplicate_key');
    refused(() => parseStrict('{"a":1,"b":{"c":1,"c":1}}'), 'duplicate_key');
    refused(() => parseStrict('[{"x":[{"k":null,"k":null}]}]'), 'duplicate_key');
    refused(() => scanTopLevel('{"response":{},"response":{}}'), 'duplicate_key');
    refused(() => scanTopLevel('{"response":{"body":{"resultInfo":{"resultStatus":"F","resultStatus":"S"}}}}'), 'duplicate_key');
  });

  test('escaped-equal keys are the same key: "a" and "\\u0061", "é" and "\\u00e9", astral pairs', () => {
    refused(() => parseStrict('{"a":1,"\\u0061":2}'), 'duplicate_key');
    refused(() => parseStrict('{"\\u0061":1,"a":2}'), 'duplicate_key');
    refused(() => parseStrict('{"é":1,"\\u00e9":2}'), 'duplicate_key');
    refused(() => parseStrict('{"😀":1,"\\ud83d\\ude00":2}'), 'duplicate_key');
    refused(() => parseStrict('{"a/b":1,"a\\/b":2}'), 'duplicate_key');
    refused(() => scanTopLevel('{"signature":"x","\\u0073ignature":"y"}'), 'duplicate_key');
    // Different keys that only look alike are fine.
    assert.deepEqual(parseStrict('{"é":1,"e\\u0301":2}'), { é: 1, 'e\u0301': 2 });
  });

  test('property: a duplicate at any depth, written plainly or escaped, is refused', () => {
    fc.assert(
      fc.property(
        anyUnicode(8),
        fc.jsonValue({ maxDepth: 2 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.array(fc.tuple(fc.boolean(), anyUnicode(5)), { maxLength: 20 }),
        fc.boolean(),
        fc.boolean(),
        ws,
        (key, v1, v2, wrappers, escapeFirst, escapeSecond, space) => {
          let text = `{${keyText(key, escapeFirst)}:${JSON.stringify(v1)},${space}${keyText(key, escapeSecond)}${space}:${JSON.stringify(v2)}}`;
          for (const [inArray, outerKey] of wrappers) text = inArray ? `[1,${text}]` : `{${JSON.stringify(outerKey)}:${text}}`;
          refused(() => parseStrict(text), 'duplicate_key');
          if (text.startsWith('{')) refused(() => scanTopLevel(text), 'duplicate_key');
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('agreement with JSON.parse', () => {
  test('property: for any JSON value, parseStrict gives what JSON.parse gives, compact or pretty', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.constantFrom(undefined, 1, 2, '\t', ' \r\n '), (value, indent) => {
        const text = JSON.stringify(value, null, indent as string | number | undefined);
        assert.deepEqual(parseStrict(text), JSON.parse(text));
        assert.deepEqual(parseStrict(` \n${text}\t `), JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });

  test('property: on token soup, whatever JSON.parse refuses is refused as JsonShapeError; whatever is accepted agrees', () => {
    const token = fc.constantFrom('{', '}', '[', ']', ':', ',', '"a"', '"b"', '"\\u0061"', '"\\x"', '"\\', '"', '1', '-', '0', '01', '.5', '1e', '1e5', '-0.0', 'true', 'tru', 'null', 'NaN', ' ', '\n', '\u00a0', '\u0000', '"\u0001"', '"😀"');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 14 }), (tokens) => {
        const text = tokens.join('');
        let expected: unknown;
        let jsonOk = true;
        try {
          expected = JSON.parse(text);
        } catch {
          jsonOk = false;
        }
        try {
          const got = parseStrict(text);
          assert.ok(jsonOk, `parseStrict accepted what JSON.parse refuses: ${JSON.stringify(text)}`);
          assert.deepEqual(got, expected);
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          assert.ok(e instanceof JsonShapeError, `not a JsonShapeError: ${String(e)} for ${JSON.stringify(text)}`);
          if (jsonOk) assert.equal(e.reason, 'duplicate_key', `JSON.parse accepts ${JSON.stringify(text)} but: ${e.message}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('what JSON forbids is refused', () => {
    for (const bad of ['', ' ', '{', '{"a":1,}', '[1,]', "{'a':1}", '{"a":01}', '{"a":NaN}', '{"a":Infinity}', '{"a":+1}', '{"a":.5}', '{"a":1.}',
      '{"a":"\\u12"}', '{"a":"\\x"}', '{"a":"tab\there"}', '{"a":"line\nbreak"}', '{a:1}', '{"a" 1}', '{"a":1 "b":2}', '\u00a0{}', '\ufeff{}', 'nul', '"unterminated']) {
      assert.throws(() => JSON.parse(bad));
      refused(() => parseStrict(bad), 'syntax');
    }
  });
});

describe('nesting depth', () => {
  const arrays = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
  const objects = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;

  test('64 levels are fine', () => {
    assert.doesNotThrow(() => parseStrict(arrays(64)));
    assert.doesNotThrow(() => scanTopLevel(objects(64)));
  });

  test('over 64 is refused as too_deep, even far over (no stack overflow)', () => {
    for (const n of [66, 100, 1_000, 100_000]) {
      refused(() => parseStrict(arrays(n)), 'too_deep');
      refused(() => parseStrict(objects(n)), 'too_deep');
      refused(() => scanTopLevel(`{"response":${objects(n)}}`), 'too_deep');
    }
  });
});

describe('scanTopLevel', () => {
  test('property: each span slices back to the exact member text, whatever the whitespace and key escaping', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(anyUnicode(10), fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(undefined, 1, 4, '\t'), fc.boolean()), { selector: ([k]) => k, maxLength: 8 }),
        fc.array(ws, { minLength: 40, maxLength: 40 }),
        (members, spaces) => {
          let w = 0;
          const next = () => spaces[w++ % spaces.length]!;
          const valueTexts = members.map(([, v, indent]) => JSON.stringify(v, null, indent as string | number | undefined));
          const body = members.map(([k, , , escaped], i) => `${next()}${keyText(k, escaped)}${next()}:${next()}${valueTexts[i]}${next()}`).join(',');
          const text = `${next()}{${body || next()}}${next()}`;
          const spans = scanTopLevel(text);
          assert.deepEqual([...spans.keys()], members.map(([k]) => k));
          members.forEach(([k], i) => {
            const span = spans.get(k)!;
            assert.equal(text.slice(span.start, span.end), valueTexts[i]);
          });
        },
      ),
      { numRuns: 400 },
    );
  });

  test('the request/signature layout of the spec samples', () => {
    const text = '{\n    "request": {\n        "head": {"a": 1},\n        "body": {}\n    },\n    "signature": "c2ln"\n}\n';
    const spans = scanTopLevel(text);
    assert.equal(text.slice(spans.get('request')!.start, spans.get('request')!.end), '{\n        "head": {"a": 1},\n        "body": {}\n    }');
    assert.equal(text.slice(spans.get('signature')!.start, spans.get('signature')!.end), '"c2ln"');
  });

  test('only members of the top level are reported', () => {
    const spans = scanTopLevel('{"a":{"b":1},"c":[{"d":2}]}');
    assert.deepEqual([...spans.keys()], ['a', 'c']);
  });

  test('not an object at the top is not_object; trailing garbage is refused', () => {
    refused(() => scanTopLevel('[{"a":1}]'), 'not_object');
    refused(() => scanTopLevel('"{}"'), 'not_object');
    refused(() => scanTopLevel(''), 'not_object');
    for (const bad of ['{"a":1}x', '{"a":1} {}', '{"a":1}}', '{}]', '{"a":1}\u0000', '{"a":1},', '{"a":1}\u00a0']) {
      refused(() => scanTopLevel(bad), 'syntax');
      refused(() => parseStrict(bad), 'syntax');
    }
    assert.equal(scanTopLevel('{"a":1} \r\n\t').size, 1);
  });
});
