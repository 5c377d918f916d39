// Unplug and replug over real pty pairs: socat stopped (both links vanish, reading stops,
// the till end sees the link drop) and started again with the same paths (the printer
// reopens its end and prints the next job). Also the pty pair's own contract.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openPtyPair, openTtyEnd, writeToPty } from '../support/pty-pair';
import { VirtualPrinter, decodeQrCodes, renderSlipPng, slipText } from '../support/virtual-printer';
import { FULL_CUT, INIT, line, rasterQrCommands, scanToPaySlip, urlOfLength } from '../support/virtual-printer/hand-built';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('openPtyPair', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-pair-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('creates both links in the given directory, joined both ways; close removes them', async () => {
    const pair = await openPtyPair(dir);
    assert.equal(pair.till, path.join(dir, 'ttyTill'));
    assert.equal(pair.device, path.join(dir, 'ttyDevice'));
    assert.ok(pair.plugged);
    assert.match(fs.readlinkSync(pair.till), /^\/dev\/pts\/\d+$/);
    const till = openTtyEnd(pair.till);
    const device = openTtyEnd(pair.device);
    await till.write([0x00, 0x0a, 0x0d, 0x11, 0x13, 0xff]);
    assert.deepEqual([...(await device.read(6))], [0x00, 0x0a, 0x0d, 0x11, 0x13, 0xff], 'raw: no CR/LF mapping, no XON/XOFF');
    await device.write([0x12]);
    assert.deepEqual([...(await till.read(1))], [0x12]);
    await till.close();
    await device.close();
    await pair.close();
    assert.equal(pair.plugged, false);
    assert.equal(fs.existsSync(pair.till) || fs.existsSync(pair.device), false);
    assert.ok(fs.existsSync(dir), 'a directory it did not create is left in place');
  });

  test('without a directory it makes a temporary one and removes it on close', async () => {
    const pair = await openPtyPair();
    assert.ok(fs.existsSync(pair.dir));
    await pair.close();
    assert.equal(fs.existsSync(pair.dir), false);
  });

  test('names apt-get install -y socat when socat is missing', async () => {
    const saved = process.env.PATH;
    process.env.PATH = path.join(dir, 'no-such-bin');
    try {
      await assert.rejects(openPtyPair(path.join(dir, 'missing')), /apt-get install -y socat/);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('unplug and replug', () => {
  test('reading stops while unplugged and resumes on the same paths after replug', async () => {
    const pair = await openPtyPair();
    const printer = await VirtualPrinter.open(pair.device, { dotsPerLine: 384 });
    try {
      const { till, device } = pair;
      await writeToPty(till, [...INIT, ...line('before'), ...FULL_CUT]);
      await printer.waitForSlips(1);

      const tillEnd = openTtyEnd(till);
      await pair.unplug();
      await printer.waitForConnection(false);
      assert.equal(pair.plugged, false);
      assert.equal(fs.existsSync(till) || fs.existsSync(device), false, 'both links vanish');
      assert.equal(printer.disconnects, 1);
      for (let k = 0; k < 50 && !tillEnd.ended; k++) await sleep(10);
      assert.equal(tillEnd.ended, true, 'the till end sees the link drop');
      await tillEnd.close();
      assert.throws(() => openTtyEnd(till), /ENOENT/, 'nothing to open while unplugged');

      const received = printer.bytesReceived;
      await sleep(100);
      assert.equal(printer.bytesReceived, received, 'reading has stopped');

      await pair.replug();
      assert.equal(pair.till, till);
      assert.equal(pair.device, device);
      await printer.waitForConnection(true);
      assert.equal(printer.connects, 2);
      assert.match(fs.readlinkSync(device), /^\/dev\/pts\/\d+$/, 'a new pty behind the same path');

      const url = urlOfLength(100);
      await writeToPty(till, scanToPaySlip(url, 'native', 4));
      const [, slip] = await printer.waitForSlips(2);
      assert.deepEqual(slip?.problems, []);
      assert.deepEqual(decodeQrCodes(renderSlipPng(slip!, { dotsPerLine: 384 })), [url]);
      assert.deepEqual(printer.slips.map((s) => s.lines[0]?.text), ['before', 'TEST STORE']);
    } finally {
      await printer.close();
      await pair.close();
    }
  });

  test('unplugged in the middle of a raster job: the cut-off job is a problem, the next one prints clean', async () => {
    const pair = await openPtyPair();
    const printer = await VirtualPrinter.open(pair.device, { dotsPerLine: 576 });
    try {
      const raster = rasterQrCommands(urlOfLength(300), 6);
      const tillEnd = openTtyEnd(pair.till);
      await tillEnd.write([...INIT, ...line('half a job'), ...raster.slice(0, Math.floor(raster.length / 2))]);
      await printer.waitForBytes(2 + 11 + Math.floor(raster.length / 2));
      await pair.unplug();
      await printer.waitForConnection(false);
      await tillEnd.close();
      assert.match(printer.pending.problems.join('\n'), /link dropped inside a command \(\d+ bytes pending: 0x1d 0x76 0x30/);

      await pair.replug();
      await printer.waitForConnection(true);
      await writeToPty(pair.till, [...INIT, ...line('next job'), ...FULL_CUT]);
      const [slip] = await printer.waitForSlips(1);
      assert.deepEqual(slip?.lines.map((l) => l.text), ['half a job', 'next job'], 'the printer kept the line it had, as a real one would');
      assert.equal(slip?.images.length, 0, 'no half image is printed');
      assert.equal(slip?.problems.length, 1, slip?.problems.join('\n'));
    } finally {
      await printer.close();
      await pair.close();
    }
  });

  test('a printer opened before the cable is plugged in waits for the path', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vp-late-'));
    try {
      const opening = VirtualPrinter.open(path.join(dir, 'ttyDevice'), {}, 5000);
      await sleep(100);
      const pair = await openPtyPair(dir);
      const printer = await opening;
      try {
        await writeToPty(pair.till, [...INIT, ...line('late'), ...FULL_CUT]);
        const [slip] = await printer.waitForSlips(1);
        assert.equal(slipText(slip!), 'late');
      } finally {
        await printer.close();
        await pair.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with reconnect off the printer stays down after replug', async () => {
    const pair = await openPtyPair();
    const printer = await VirtualPrinter.open(pair.device, { reconnect: false });
    try {
      await pair.unplug();
      await printer.waitForConnection(false);
      await pair.replug();
      await sleep(150);
      assert.equal(printer.connected, false);
    } finally {
      await printer.close();
      await pair.close();
    }
  });
});
