import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStartWebArgs, StartWebUsageError } from '../../main/web/start-web-args';

test('defaults: any port, a browser, no customer window', () => {
  assert.deepEqual(parseStartWebArgs([]), { dataDir: undefined, port: 0, browser: true, customerWindow: false, urlFile: undefined, help: false });
});

test('every flag', () => {
  assert.deepEqual(parseStartWebArgs(['--data-dir', '/d', '--port', '8080', '--no-browser', '--customer-window', '--url-file', '/run/till/urls.json']), {
    dataDir: '/d',
    port: 8080,
    browser: false,
    customerWindow: true,
    urlFile: '/run/till/urls.json',
    help: false,
  });
  assert.equal(parseStartWebArgs(['-h']).help, true);
});

test('bad input is a usage error naming the fault', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--port', '65536'], /--port must be a whole number from 0 to 65535/],
    [['--port', '-1'], /--port/],
    [['--port', '80x'], /--port/],
    [['--port', ''], /--port/],
    [['--kiosk'], /Unknown option '--kiosk'/],
    [['extra'], /usage: /],
    [['--data-dir'], /--data-dir/],
    [['--url-file'], /--url-file/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parseStartWebArgs(argv), (error: unknown) => error instanceof StartWebUsageError && message.test(error.message), argv.join(' '));
  }
});
