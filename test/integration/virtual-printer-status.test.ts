// Status answers of the virtual printer over a real pty pair: DLE EOT n answered at once
// per the printer's state (every reply 0xx1xx10), even in the middle of a job; GS r in
// buffer order; and a printer that never answers.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeStatus, isStatusByte, openPrinterRig, READY, type PrinterRig, type PrinterState } from '../support/virtual-printer';
import { FULL_CUT, INIT, dleEot, line } from '../support/virtual-printer/hand-built';

/** Sends DLE EOT n from the till end and reads the one-byte reply (null: none in `ms`). */
async function ask(rig: PrinterRig, n: number, ms = 500): Promise<number | null> {
  await rig.till.write(dleEot(n));
  const reply = await rig.till.read(1, ms);
  return reply.length === 1 ? reply[0]! : null;
}

async function askAll(rig: PrinterRig): Promise<Record<number, number | null>> {
  const out: Record<number, number | null> = {};
  for (const n of [1, 2, 3, 4]) out[n] = await ask(rig, n);
  return out;
}

describe('DLE EOT answers per state', () => {
  let rig: PrinterRig;
  before(async () => {
    rig = await openPrinterRig();
  });
  after(() => rig.close());

  const cases: Array<{ name: string; state: Partial<PrinterState>; expect: Record<number, number>; reads: Record<number, string[]> }> = [
    { name: 'ready', state: {}, expect: { 1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12 }, reads: { 1: [], 2: [], 4: [] } },
    { name: 'offline', state: { online: false }, expect: { 1: 0x1a, 2: 0x12, 3: 0x12, 4: 0x12 }, reads: { 1: ['offline'], 2: [], 4: [] } },
    { name: 'cover open', state: { coverOpen: true }, expect: { 1: 0x1a, 2: 0x16, 3: 0x12, 4: 0x12 }, reads: { 1: ['offline'], 2: ['cover open'], 4: [] } },
    { name: 'paper near end', state: { paperNearEnd: true }, expect: { 1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1e }, reads: { 1: [], 2: [], 4: ['paper near end'] } },
    {
      name: 'paper end',
      state: { paperEnd: true },
      expect: { 1: 0x1a, 2: 0x32, 3: 0x12, 4: 0x7e },
      reads: { 1: ['offline'], 2: ['stopped by paper end'], 4: ['paper near end', 'paper end'] },
    },
    {
      name: 'autocutter jammed',
      state: { cutterError: true },
      expect: { 1: 0x3a, 2: 0x52, 3: 0x5a, 4: 0x12 },
      reads: { 1: ['offline'], 2: ['error'], 4: [] },
    },
  ];

  for (const c of cases) {
    test(`${c.name}: DLE EOT 1/2/3/4 → ${Object.values(c.expect).map((b) => `0x${b.toString(16)}`).join(' ')}`, async () => {
      rig.printer.state = { ...READY, ...c.state };
      const replies = await askAll(rig);
      assert.deepEqual(replies, c.expect);
      for (const [n, byte] of Object.entries(replies)) assert.ok(isStatusByte(byte!), `reply to ${n} matches 0xx1xx10`);
      for (const n of [1, 2, 4]) assert.deepEqual(describeStatus(n, replies[n]!), c.reads[n], `DLE EOT ${n}`);
    });
  }

  test('a status request in the middle of a job is answered at once and does not disturb the slip', async () => {
    rig.printer.state = { ...READY, paperNearEnd: true };
    const before = rig.printer.slips.length;
    await rig.till.write([...INIT, ...line('first half')]);
    assert.equal(await ask(rig, 4), 0x1e, 'answered before the job ends');
    await rig.till.write([...line('second half'), ...FULL_CUT]);
    const [slip] = (await rig.printer.waitForSlips(before + 1)).slice(before);
    assert.deepEqual(slip?.lines.map((l) => l.text), ['first half', 'second half']);
    assert.deepEqual(slip?.problems, []);
    // The slip holds every request since the last cut (the earlier tests' too): this one is last.
    assert.deepEqual(slip?.requests.map((r) => [r.command, r.n]).at(-1), ['DLE EOT', 4]);
  });

  test('fixed reply bytes override the state; GS r 1 answers the paper sensor', async () => {
    rig.printer.state = { ...READY, paperEnd: true };
    await rig.till.write([0x1d, 0x72, 0x01]);
    assert.deepEqual([...(await rig.till.read(1))], [0x0f]);
    rig.printer.state = { ...READY };
    await rig.till.write([0x1d, 0x72, 0x01]);
    assert.deepEqual([...(await rig.till.read(1))], [0x00]);
  });
});

describe('a printer that never answers', () => {
  let rig: PrinterRig;
  before(async () => {
    rig = await openPrinterRig({ answers: false });
  });
  after(() => rig.close());

  test('DLE EOT gets no byte back, yet the request was seen and printing goes on', async () => {
    for (const n of [1, 2, 4]) assert.equal(await ask(rig, n, 300), null, `DLE EOT ${n}`);
    assert.deepEqual(rig.printer.replies.map((r) => [r.request.n, r.byte]), [
      [1, null],
      [2, null],
      [4, null],
    ]);
    const slip = await rig.print([...INIT, ...line('printed anyway'), ...FULL_CUT]);
    assert.deepEqual(slip.lines.map((l) => l.text), ['printed anyway']);
  });

  test('answers can be switched on and off again at run time', async () => {
    rig.printer.answers = true;
    assert.equal(await ask(rig, 1), 0x12);
    rig.printer.answers = false;
    assert.equal(await ask(rig, 1, 200), null);
  });
});

describe('configured reply bytes and delay', () => {
  let rig: PrinterRig;
  before(async () => {
    rig = await openPrinterRig({ statusBytes: { 1: 0x16 }, replyDelayMs: 150 });
  });
  after(() => rig.close());

  test('DLE EOT 1 answers the configured byte after the delay', async () => {
    const t0 = Date.now();
    assert.equal(await ask(rig, 1, 1000), 0x16);
    assert.ok(Date.now() - t0 >= 140, `answered after ${Date.now() - t0} ms`);
    assert.equal(await ask(rig, 2, 1000), 0x12, 'n without a fixed byte still follows the state');
  });
});
