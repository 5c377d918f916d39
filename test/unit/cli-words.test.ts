// How the till command writes counts and finds a command's own usage (issue 15 §6).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { counted } from '../../main/cli/counted';
import { HELP, commandHelp } from '../../main/cli/help';

test('counts read as people write them: 1 order, 2 orders, 0 changes, never "1 orders" or "(s)"', () => {
  assert.equal(counted(1, 'order'), '1 order');
  assert.equal(counted(2, 'order'), '2 orders');
  assert.equal(counted(0, 'change'), '0 changes');
  assert.equal(counted(1, 'open alarm'), '1 open alarm');
  assert.equal(counted(3, 'entry', 'entries'), '3 entries');
});

test('every command HELP lists has its own usage, holding only its entries and the global options', () => {
  const names = [...new Set([...HELP.matchAll(/^ {2}([a-z][a-z-]*)(?=\s|$)/gm)].map((m) => m[1]!))];
  assert.ok(names.length >= 15, names.join(' '));
  for (const name of names) {
    const text = commandHelp(name);
    assert.ok(text, name);
    const own = text.slice(0, text.indexOf('Global options'));
    for (const entry of own.matchAll(/^ {2}([a-z][a-z-]*)(?=\s|$)/gm)) assert.equal(entry[1], name, `${name} shows ${entry[1]}`);
    assert.match(text, /Exit codes: 0 done/);
  }
  assert.match(commandHelp('devices')!, /--parity none\|even\|odd/, 'continuation lines come along');
  assert.equal(commandHelp('nothing'), null);
});
