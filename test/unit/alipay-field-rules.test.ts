// The declarative field rules (field-rules.ts) and the message schemas (schemas.ts),
// checked against the spec's own tables rather than against themselves.
/* eslint-disable @typescript-eslint/no-explicit-any -- the tests reach into the spec sample at arbitrary paths */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { validate, type FieldIssue, type ObjectRule, type Rule } from '../../main/alipay/field-rules';
import { headRule, payQueryBodyRule, preCreateBodyRule, refundBodyRule, tradeInformationRule } from '../../main/alipay/schemas';
import { cutToUtf8Bytes, utf8Length } from '../../main/alipay/utf8-text';
import { specSampleBody } from '../support/protocol-fixtures';

const SPEC_HEAD = {
  version: '2.0.4',
  function: 'alipay.intl.acquiring.offline.preCreate',
  clientId: '211xxxxxxxxxxxxxx0044',
  reqTime: '2001-07-04T12:08:56+05:30',
  reqMsgId: '123xxxxxxxxxxxxxxx3fda',
  signType: 'RSA2',
};

/** String(N) of every field of the spec's tables (request head, body and sub-parameters). */
const SPEC_LIMITS: [root: 'head' | 'body', path: string, max: number][] = [
  ['head', 'head.clientId', 32],
  ['head', 'head.reqMsgId', 64],
  ['head', 'head.reserve', 256],
  ['head', 'head.signType', 64],
  ['body', 'body.merchantId', 64],
  ['body', 'body.merchantTransId', 64],
  ['body', 'body.settleContractId', 64],
  ['body', 'body.notifyUrl', 256],
  ['body', 'body.userAgent', 1024],
  ['body', 'body.merchantRedirectUrl', 512],
  ['body', 'body.extendInfo', 6000],
  ['body', 'body.order.orderTitle', 256],
  ['body', 'body.order.orderDetail', 400],
  ['body', 'body.order.seller.sellerId', 32],
  ['body', 'body.order.seller.sellerMCC', 32],
  ['body', 'body.order.seller.sellerName', 128],
  ['body', 'body.order.seller.sellerEngName', 256],
  ['body', 'body.order.seller.storeId', 32],
  ['body', 'body.order.seller.storeMCC', 32],
  ['body', 'body.order.seller.storeName', 128],
  ['body', 'body.order.seller.storeEngName', 256],
  ['body', 'body.order.seller.terminalId', 64],
  ['body', 'body.order.seller.operatorId', 64],
  ['body', 'body.riskInfo.riskExtendInfo', 2048],
  ['body', 'body.riskInfo.deviceInfo.sessionId', 64],
  ['body', 'body.riskInfo.deviceInfo.serialNo', 64],
  ['body', 'body.riskInfo.deviceInfo.clientIp', 32],
  ['body', 'body.riskInfo.deviceInfo.latitudeLongitude', 128],
  ['body', 'body.riskInfo.deviceInfo.idfa', 128],
  ['body', 'body.riskInfo.deviceInfo.deviceName', 256],
  ['body', 'body.riskInfo.deviceInfo.deviceBrand', 256],
  ['body', 'body.riskInfo.deviceInfo.deviceModel', 64],
  ['body', 'body.riskInfo.deviceInfo.imei', 64],
  ['body', 'body.riskInfo.deviceInfo.osName', 64],
  ['body', 'body.riskInfo.deviceInfo.osVersion', 32],
  ['body', 'body.riskInfo.deviceInfo.wirelessNetwork', 128],
  ['body', 'body.riskInfo.deviceInfo.wirelessCarrier', 128],
  ['body', 'body.riskInfo.deviceInfo.flightMode', 32],
  ['body', 'body.riskInfo.deviceInfo.fingerPrintEnabled', 32],
  ['body', 'body.riskInfo.deviceInfo.screenResolution', 32],
  ['body', 'body.riskInfo.deviceInfo.macAddress', 64],
  ['body', 'body.riskInfo.deviceInfo.systemLanguage', 64],
  ['body', 'body.riskInfo.deviceInfo.timeZone', 32],
  ['body', 'body.riskInfo.userInfo.merchantUserId', 64],
  ['body', 'body.riskInfo.orderInfos[0].productName', 64],
  ['body', 'body.riskInfo.orderInfos[0].productCategory', 64],
  ['body', 'body.riskInfo.orderInfos[0].productSubCategory', 64],
];

/** Fields the spec marks Required. */
const SPEC_REQUIRED = [
  'head.version', 'head.function', 'head.clientId', 'head.reqTime', 'head.reqMsgId',
  'body.merchantId', 'body.productCode', 'body.merchantTransId', 'body.order', 'body.userAgent', 'body.sceneType',
  'body.order.orderAmount', 'body.order.orderTitle', 'body.order.orderDetail', 'body.order.seller',
  'body.order.seller.sellerId', 'body.order.seller.sellerMCC', 'body.order.seller.sellerName',
  'body.order.seller.storeId', 'body.order.seller.storeMCC', 'body.order.seller.storeName',
];

// ---- helpers over paths like body.riskInfo.orderInfos[0].productName ----

function segments(path: string): (string | number)[] {
  return path.split('.').slice(1).flatMap((part) => {
    const m = /^(.+)\[(\d+)\]$/.exec(part);
    return m ? [m[1]!, Number(m[2])] : [part];
  });
}

function parentOf(root: any, path: string): [any, string | number] {
  const segs = segments(path);
  let node = root;
  for (const seg of segs.slice(0, -1)) node = node[seg];
  return [node, segs[segs.length - 1]!];
}

function setAt(root: any, path: string, value: unknown): void {
  const [parent, key] = parentOf(root, path);
  Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

function deleteAt(root: any, path: string): void {
  const [parent, key] = parentOf(root, path);
  delete parent[key];
}

function ruleAt(root: Rule, path: string): Rule {
  let rule = root;
  for (const seg of segments(path)) {
    if (typeof seg === 'number') {
      assert.equal(rule.kind, 'list');
      rule = (rule as Extract<Rule, { kind: 'list' }>).of;
    } else {
      assert.equal(rule.kind, 'object', `no object at ${path}`);
      rule = (rule as ObjectRule).fields[seg]!;
      assert.ok(rule, `no rule for ${path}`);
    }
  }
  return rule;
}

/** Every length-limited field and every required field of a schema, with its path. */
function walk(rule: Rule, path: string, out: { limited: string[]; required: string[] }): typeof out {
  if (rule.required) out.required.push(path);
  if (rule.kind === 'id' || rule.kind === 'text' || rule.kind === 'url' || rule.kind === 'json') out.limited.push(path);
  if (rule.kind === 'object') for (const [key, sub] of Object.entries(rule.fields)) walk(sub, `${path}.${key}`, out);
  if (rule.kind === 'list') walk(rule.of, `${path}[0]`, out);
  if (rule.kind === 'money') out.required.push(`${path}.currency`, `${path}.value`);
  return out;
}

function sampleRoot(root: 'head' | 'body'): [Record<string, any>, ObjectRule] {
  return root === 'head' ? [{ ...SPEC_HEAD }, headRule] : [specSampleBody(), preCreateBodyRule];
}

const issuesAt = (issues: FieldIssue[]) => issues.map(({ path, kind }) => ({ path, kind }));

/** A value of exactly `bytes` UTF-8 bytes that suits the rule's shape, built from `seed`. */
function valueOfBytes(rule: Rule, seed: string, bytes: number): string {
  const patterned = (rule.kind === 'id' || rule.kind === 'text') && rule.pattern !== undefined;
  const [prefix, suffix] = rule.kind === 'url' ? ['https://x.example/', ''] : rule.kind === 'json' ? ['{"k":"', '"}'] : ['', ''];
  const room = bytes - utf8Length(prefix + suffix);
  const core = patterned ? '' : cutToUtf8Bytes(seed, room);
  return prefix + core + 'A'.repeat(room - utf8Length(core)) + suffix;
}

// Units for fillers: multi-byte and astral, no spaces, quotes or backslashes.
const fillUnit = fc.constantFrom('A', '7', 'é', '中', '😀', '-', '_');

describe('the spec sample request', () => {
  test('its body (trailing comma fixed, storeMCC added) validates clean', () => {
    assert.deepEqual(validate(specSampleBody(), preCreateBodyRule, 'body'), []);
  });

  test('its head validates clean, with or without an ISV reserve', () => {
    assert.deepEqual(validate(SPEC_HEAD, headRule, 'head'), []);
    assert.deepEqual(validate({ ...SPEC_HEAD, reserve: '{"isvAccesstoken":"123123123sdfsddsf"}' }, headRule, 'head'), []);
  });

  test('without storeMCC (as printed in the spec) it is missing exactly that field', () => {
    const body = specSampleBody();
    delete body.order.seller.storeMCC;
    assert.deepEqual(issuesAt(validate(body, preCreateBodyRule, 'body')), [{ path: 'body.order.seller.storeMCC', kind: 'missing' }]);
  });

  test('the tradeInformation example of the extendInfo description validates', () => {
    const body = specSampleBody();
    body.extendInfo = '{"chinaExtraTransInfo":{"businessType":"1","hotelName":"zlidu, sluhg-987, 889utng","checkInTime":"2018-10-20","checkOutTime":"2018-10-22"}}';
    assert.deepEqual(validate(body, preCreateBodyRule, 'body'), []);
  });
});

describe('lengths (String(N) in UTF-8 bytes)', () => {
  test('the schemas limit exactly the fields the spec gives a String(N), no more, no fewer', () => {
    const schemaLimited = [...walk(headRule, 'head', { limited: [], required: [] }).limited, ...walk(preCreateBodyRule, 'body', { limited: [], required: [] }).limited];
    assert.deepEqual(schemaLimited.sort(), SPEC_LIMITS.map(([, path]) => path).sort());
    for (const [root, path, max] of SPEC_LIMITS) {
      const rule = ruleAt(root === 'head' ? headRule : preCreateBodyRule, path);
      assert.equal((rule as { max: number }).max, max, path);
    }
  });

  test('property: at the limit a field is clean; one byte or more over, it is too_long at that path (never cut, never elsewhere)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...SPEC_LIMITS), fc.string({ unit: fillUnit, maxLength: 400 }), fc.integer({ min: 1, max: 80 }), ([root, path, max], seed, over) => {
        const [sample, schema] = sampleRoot(root);
        const rule = ruleAt(schema, path);
        setAt(sample, path, valueOfBytes(rule, seed, max));
        assert.deepEqual(validate(sample, schema, root), [], `${path} at ${max} bytes`);
        setAt(sample, path, valueOfBytes(rule, seed, max + over));
        assert.deepEqual(issuesAt(validate(sample, schema, root)), [{ path, kind: 'too_long' }], `${path} at ${max + over} bytes`);
      }),
      { numRuns: 400 },
    );
  });

  test('limits count bytes, not characters: 32 CJK characters are too long for String(32)', () => {
    const body = specSampleBody();
    body.order.seller.sellerId = '中'.repeat(32);
    assert.deepEqual(issuesAt(validate(body, preCreateBodyRule, 'body')), [{ path: 'body.order.seller.sellerId', kind: 'too_long' }]);
    body.order.seller.sellerId = '中'.repeat(10) + 'AA';
    assert.deepEqual(validate(body, preCreateBodyRule, 'body'), []);
  });

  test('identifiers refuse spaces and bad text; patterned identifiers refuse other characters', () => {
    const cases: [string, string][] = [
      ['body.merchantId', '211 999'],
      ['body.merchantTransId', 'T-1/2'],
      ['body.merchantTransId', '-starts-with-dash'],
      ['body.merchantTransId', 'tränsid'],
      ['body.order.seller.sellerId', 'a\u0000b'],
      ['body.order.seller.sellerName', 'Zara\uD800'],
      ['body.order.orderTitle', 'caf\uFFFD'],
      ['body.notifyUrl', 'ftp://notify.com'],
      ['body.notifyUrl', 'http://'],
      ['body.extendInfo', '[1,2]'],
      ['body.extendInfo', '{"a":'],
      ['body.riskInfo.deviceInfo.terminalType', 'KIOSK'],
      ['body.riskInfo.deviceInfo.deviceBootTime', '2001-07-04 12:08:56'],
      ['body.riskInfo.deviceInfo.isJailbreaked', 'yes'],
      ['body.productCode', 'ONLINE_PAY'],
      ['body.sceneType', 'QRCODE'],
    ];
    for (const [path, value] of cases) {
      const body = specSampleBody();
      setAt(body, path, value);
      assert.deepEqual(issuesAt(validate(body, preCreateBodyRule, 'body')), [{ path, kind: 'invalid' }], `${path} = ${JSON.stringify(value)}`);
    }
  });

  test('isJailbreaked takes a boolean or its string form, as the sample and the table do', () => {
    const body = specSampleBody();
    body.riskInfo.deviceInfo.isJailbreaked = 'true';
    assert.deepEqual(validate(body, preCreateBodyRule, 'body'), []);
  });
});

describe('required fields', () => {
  test('the schemas require exactly what the spec marks Required (plus Money currency and value)', () => {
    const schemaRequired = [...walk(headRule, 'head', { limited: [], required: [] }).required, ...walk(preCreateBodyRule, 'body', { limited: [], required: [] }).required]
      .filter((path) => path !== 'head' && path !== 'body' && !path.startsWith('body.riskInfo.orderInfos'));
    assert.deepEqual(schemaRequired.sort(), [...SPEC_REQUIRED, 'body.order.orderAmount.currency', 'body.order.orderAmount.value'].sort());
  });

  test('each required field, deleted, emptied or nulled, is missing at its path and nothing else is reported', () => {
    for (const path of [...SPEC_REQUIRED, 'body.order.orderAmount.currency', 'body.order.orderAmount.value']) {
      const root = path.startsWith('head') ? 'head' : 'body';
      for (const how of ['delete', '', null] as const) {
        const [sample, schema] = sampleRoot(root);
        if (how === 'delete') deleteAt(sample, path);
        else setAt(sample, path, how);
        assert.deepEqual(issuesAt(validate(sample, schema, root)), [{ path, kind: 'missing' }], `${path} (${String(how)})`);
      }
    }
  });

  test('optional fields may be left out', () => {
    const body = specSampleBody();
    for (const key of ['settleContractId', 'riskInfo', 'notifyUrl', 'merchantRedirectUrl', 'extendInfo']) delete body[key];
    for (const key of ['terminalId']) delete body.order.seller[key];
    assert.deepEqual(validate(body, preCreateBodyRule, 'body'), []);
  });

  test('a missing body is reported as such', () => {
    assert.deepEqual(issuesAt(validate(undefined, preCreateBodyRule, 'body')), [{ path: 'body', kind: 'missing' }]);
    assert.deepEqual(issuesAt(validate([], preCreateBodyRule, 'body')), [{ path: 'body', kind: 'invalid' }]);
  });
});

describe('unknown fields', () => {
  const closedObjects = ['body', 'body.order', 'body.order.seller', 'body.riskInfo', 'body.riskInfo.deviceInfo', 'body.riskInfo.userInfo', 'body.riskInfo.orderInfos[0]', 'body.order.orderAmount'];
  const knownKeys = (path: string): string[] => {
    const rule = ruleAt(preCreateBodyRule, path);
    return rule.kind === 'object' ? Object.keys(rule.fields) : ['currency', 'value'];
  };

  test('property: any key a message does not define is unknown_field at its path, prototype names included', () => {
    const names = fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.constantFrom('constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'merchantid', 'MerchantId', 'order '),
    );
    fc.assert(
      fc.property(fc.constantFrom(...closedObjects), names, fc.jsonValue({ maxDepth: 1 }), (path, key, value) => {
        fc.pre(!knownKeys(path).includes(key));
        const body = specSampleBody();
        const target = segments(path).reduce((node: any, seg) => node[seg], body);
        Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
        assert.deepEqual(issuesAt(validate(body, preCreateBodyRule, 'body')), [{ path: `${path}.${key}`, kind: 'unknown_field' }]);
      }),
      { numRuns: 400 },
    );
  });

  test('a JSON-parsed "__proto__" or "constructor" member is unknown (as the strict sandbox reads it)', () => {
    for (const key of ['__proto__', 'constructor', 'toString']) {
      const text = JSON.stringify(specSampleBody()).replace(/^\{/, `{${JSON.stringify(key)}:{"x":1},`);
      assert.deepEqual(issuesAt(validate(JSON.parse(text), preCreateBodyRule, 'body')), [{ path: `body.${key}`, kind: 'unknown_field' }], key);
    }
  });

  test('extendInfo is an extension point: unknown top-level keys are allowed, but not inside chinaExtraTransInfo', () => {
    const body = specSampleBody();
    body.extendInfo = '{"chinaExtraTransInfo":{"businessType":"5"},"somethingNew":{"a":1}}';
    assert.deepEqual(validate(body, preCreateBodyRule, 'body'), []);
    body.extendInfo = '{"chinaExtraTransInfo":{"businessType":"5","colour":"red"}}';
    assert.deepEqual(issuesAt(validate(body, preCreateBodyRule, 'body')), [{ path: 'body.extendInfo.chinaExtraTransInfo.colour', kind: 'unknown_field' }]);
  });
});

describe('Money', () => {
  const at = 'body.order.orderAmount';
  const check = (money: unknown) => {
    const body = specSampleBody();
    body.order.orderAmount = money;
    return issuesAt(validate(body, preCreateBodyRule, 'body'));
  };

  test('a digit string or a whole number of minor units is accepted', () => {
    assert.deepEqual(check({ currency: 'USD', value: '239' }), []);
    assert.deepEqual(check({ currency: 'JPY', value: 239 }), []);
    assert.deepEqual(check({ currency: 'USD', value: '9999999999999999' }), []);
  });

  test('bad values are issues at the right path and kind', () => {
    const cases: [unknown, { path: string; kind: string }[]][] = [
      [{ currency: 'usd', value: '239' }, [{ path: `${at}.currency`, kind: 'invalid' }]],
      [{ currency: 'US', value: '239' }, [{ path: `${at}.currency`, kind: 'invalid' }]],
      [{ currency: 'XYZ', value: '239' }, [{ path: `${at}.currency`, kind: 'currency' }]],
      [{ value: '239' }, [{ path: `${at}.currency`, kind: 'missing' }]],
      [{ currency: 'USD', value: 2.39 }, [{ path: `${at}.value`, kind: 'invalid' }]],
      [{ currency: 'USD', value: '2.39' }, [{ path: `${at}.value`, kind: 'invalid' }]],
      [{ currency: 'USD', value: '007' }, [{ path: `${at}.value`, kind: 'invalid' }]],
      [{ currency: 'USD', value: '12345678901234567' }, [{ path: `${at}.value`, kind: 'too_long' }]],
      [{ currency: 'USD', value: '0' }, [{ path: `${at}.value`, kind: 'invalid' }]],
      [{ currency: 'USD', value: 0 }, [{ path: `${at}.value`, kind: 'invalid' }]],
      [{ currency: 'USD', value: -5 }, [{ path: `${at}.value`, kind: 'invalid' }]],
      [{ currency: 'USD', value: '-5' }, [{ path: `${at}.value`, kind: 'invalid' }]],
      [{ currency: 'USD', value: '1e3' }, [{ path: `${at}.value`, kind: 'invalid' }]],
      [{ currency: 'USD', value: ' 239' }, [{ path: `${at}.value`, kind: 'invalid' }]],
      [{ currency: 'USD' }, [{ path: `${at}.value`, kind: 'missing' }]],
      [{ currency: 'USD', value: '239', amount: 1 }, [{ path: `${at}.amount`, kind: 'unknown_field' }]],
      ['USD 239', [{ path: at, kind: 'invalid' }]],
      [[{ currency: 'USD', value: '239' }], [{ path: at, kind: 'invalid' }]],
    ];
    for (const [money, expected] of cases) assert.deepEqual(check(money), expected, JSON.stringify(money));
  });

  test('property: any digit string of 1..16 digits without a leading zero is fine, 17+ is too_long', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 25 }), (lead, rest) => {
        const value = `${lead}${rest}`;
        assert.deepEqual(check({ currency: 'USD', value }), value.length <= 16 ? [] : [{ path: `${at}.value`, kind: 'too_long' }]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('tradeInformation (extendInfo.chinaExtraTransInfo)', () => {
  const at = 'body.extendInfo.chinaExtraTransInfo';
  const check = (info: Record<string, unknown>) => {
    const body = specSampleBody();
    body.extendInfo = JSON.stringify({ chinaExtraTransInfo: info });
    return issuesAt(validate(body, preCreateBodyRule, 'body'));
  };
  const ONLY_FOR: [field: string, type: string, value: string | number][] = [
    ['hotelName', '1', 'zlidu, sluhg-987, 889utng'],
    ['checkInTime', '1', '2018-10-20'],
    ['checkOutTime', '1', '2018-10-22'],
    ['flightNumber', '2', 'NWS 996|TWF 8854'],
    ['departureTime', '2', '2018-10-22 20:49'],
    ['admissionNoticeUrl', '3', 'https://www.iconfont.cn/search/index?test'],
    ['goodsInfo', '4', 'pencil^2|eraser^5|iPhone XS 256G^1'],
    ['totalQuantity', '4', 8],
    ['otherBusinessType', '5', 'Airport pick up service'],
  ];
  const businessTypes = fc.uniqueArray(fc.constantFrom('1', '2', '3', '4', '5'), { minLength: 1, maxLength: 5 }).map((t) => t.join('|'));

  test('the spec examples validate for their own businessType', () => {
    for (const [field, type, value] of ONLY_FOR) {
      const extra = type === '3' && field !== 'admissionNoticeUrl' ? { admissionNoticeUrl: 'https://x.example/a.png' } : {};
      assert.deepEqual(check({ businessType: type, [field]: value, ...extra }), [], field);
    }
  });

  test('property: a field is refused exactly when its businessType is not among the declared ones', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ONLY_FOR), businessTypes, ([field, type, value], businessType) => {
        const info: Record<string, unknown> = { businessType, [field]: value };
        if (businessType.split('|').includes('3') && field !== 'admissionNoticeUrl') info.admissionNoticeUrl = 'https://x.example/a.png';
        const allowed = businessType.split('|').includes(type);
        assert.deepEqual(check(info), allowed ? [] : [{ path: `${at}.${field}`, kind: 'invalid' }], `${field} with ${businessType}`);
      }),
      { numRuns: 300 },
    );
  });

  test('businessType 3 requires admissionNoticeUrl', () => {
    assert.deepEqual(check({ businessType: '3' }), [{ path: `${at}.admissionNoticeUrl`, kind: 'missing' }]);
    assert.deepEqual(check({ businessType: '4|3' }), [{ path: `${at}.admissionNoticeUrl`, kind: 'missing' }]);
  });

  test('property: businessType is 1..5, several separated by |', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 5 }), (types) => {
        const info = { businessType: types.join('|'), ...(types.includes(3) ? { admissionNoticeUrl: 'https://x.example/a.png' } : {}) };
        assert.deepEqual(check(info), []);
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('0', '1', '5', '6', '|', ',', ' ', 'a'), minLength: 1, maxLength: 10 }), (businessType) => {
        const valid = /^[1-5](\|[1-5])*$/.test(businessType);
        fc.pre(!businessType.split('|').includes('3'));
        assert.deepEqual(check({ businessType }), valid ? [] : [{ path: `${at}.businessType`, kind: 'invalid' }], JSON.stringify(businessType));
      }),
      { numRuns: 300 },
    );
    for (const bad of ['6', '0', '1|', '|1', '1||2', '1,2', 'a', '1 |2', '12']) {
      assert.deepEqual(check({ businessType: bad }), [{ path: `${at}.businessType`, kind: 'invalid' }], bad);
    }
    assert.deepEqual(check({}), [{ path: `${at}.businessType`, kind: 'missing' }]);
  });

  test('field formats: hotel names, dates, departure times, goods, quantities', () => {
    assert.deepEqual(check({ businessType: '1', hotelName: 'Hôtel Ritz' }), [{ path: `${at}.hotelName`, kind: 'invalid' }]);
    assert.deepEqual(check({ businessType: '1', checkInTime: '2018-02-30' }), [{ path: `${at}.checkInTime`, kind: 'invalid' }]);
    assert.deepEqual(check({ businessType: '2', departureTime: '2018-10-22T20:49' }), [{ path: `${at}.departureTime`, kind: 'invalid' }]);
    assert.deepEqual(check({ businessType: '2', departureTime: '2018-10-22 20:49|2018-10-23 08:00' }), []);
    assert.deepEqual(check({ businessType: '4', goodsInfo: 'pencil^x' }), [{ path: `${at}.goodsInfo`, kind: 'invalid' }]);
    assert.deepEqual(check({ businessType: '4', goodsInfo: 'pencil^2|' }), [{ path: `${at}.goodsInfo`, kind: 'invalid' }]);
    assert.deepEqual(check({ businessType: '4', totalQuantity: '-1' }), [{ path: `${at}.totalQuantity`, kind: 'invalid' }]);
    assert.deepEqual(check({ businessType: '4', totalQuantity: '12345678901234567' }), [{ path: `${at}.totalQuantity`, kind: 'invalid' }]);
    assert.deepEqual(check({ businessType: '4', totalQuantity: 8 }), []);
    // Number in the spec's type column: the digit string is refused, as are non-integers.
    assert.deepEqual(check({ businessType: '4', totalQuantity: '8' }), [{ path: `${at}.totalQuantity`, kind: 'invalid' }]);
    assert.deepEqual(check({ businessType: '4', totalQuantity: 1.5 }), [{ path: `${at}.totalQuantity`, kind: 'invalid' }]);
    assert.deepEqual(check({ businessType: '4', totalQuantity: -1 }), [{ path: `${at}.totalQuantity`, kind: 'invalid' }]);
    // Real calendar days and clock times, not just the shape.
    assert.deepEqual(check({ businessType: '1', checkOutTime: '2018-13-01' }), [{ path: `${at}.checkOutTime`, kind: 'invalid' }]);
    assert.deepEqual(check({ businessType: '1', checkInTime: '2020-02-29', checkOutTime: '2020-03-01' }), []);
    for (const bad of ['2018-02-30 20:49', '2018-10-22 24:00', '2018-10-22 20:60', '2018-10-22 20:49|2018-10-22 7:00', '2018-10-22  20:49']) {
      assert.deepEqual(check({ businessType: '2', departureTime: bad }), [{ path: `${at}.departureTime`, kind: 'invalid' }], bad);
    }
    assert.deepEqual(check({ businessType: '2', departureTime: '2018-10-22 00:00|2018-10-22 23:59' }), []);
    assert.deepEqual(validate({ businessType: '4', goodsInfo: 'a^1' }, tradeInformationRule, 't'), []);
  });
});

describe('sibling bodies', () => {
  test('payQuery/payCancel need merchantId and acquirementId or merchantTransId', () => {
    assert.deepEqual(validate({ merchantId: 'M1', merchantTransId: 'T1' }, payQueryBodyRule, 'body'), []);
    assert.deepEqual(validate({ merchantId: 'M1', acquirementId: '2019' }, payQueryBodyRule, 'body'), []);
    assert.deepEqual(issuesAt(validate({ merchantId: 'M1' }, payQueryBodyRule, 'body')), [{ path: 'body.acquirementId', kind: 'missing' }]);
    assert.deepEqual(issuesAt(validate({ merchantTransId: 'T1' }, payQueryBodyRule, 'body')), [{ path: 'body.merchantId', kind: 'missing' }]);
  });

  test('refund needs its ids and a positive Money', () => {
    const refund = { merchantId: 'M1', acquirementId: 'A1', merchantRefundId: 'R1', refundAmount: { currency: 'USD', value: '100' } };
    assert.deepEqual(validate(refund, refundBodyRule, 'body'), []);
    assert.deepEqual(issuesAt(validate({ ...refund, refundAmount: { currency: 'USD', value: '0' } }, refundBodyRule, 'body')), [
      { path: 'body.refundAmount.value', kind: 'invalid' },
    ]);
    assert.deepEqual(issuesAt(validate({ ...refund, merchantRefundId: 'R'.repeat(65) }, refundBodyRule, 'body')), [{ path: 'body.merchantRefundId', kind: 'too_long' }]);
  });
});
