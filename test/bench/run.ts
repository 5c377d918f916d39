import path from 'node:path';
import { benchCliStart } from './cli-start';
import { benchDevices } from './devices-bench';
import { benchDurableCreate, benchMillionOrders } from './journal-bench';
import { benchResolution } from './resolution-bench';
import { benchProtocol } from './protocol';
import { benchRoundTrips } from './round-trips';
import { benchScreens } from './screens-bench';
import { benchSync } from './sync-bench';

/** `npm run bench`: prints figures; goals are shown beside them, nothing is asserted. */
async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../..');
  process.stdout.write(`alipay-till bench — node ${process.version}, ${new Date().toISOString()}\n\n`);
  benchProtocol();
  await benchRoundTrips();
  benchCliStart(root);
  process.stdout.write('\n');
  benchDevices();
  process.stdout.write('\n');
  // Before Chromium runs: its start and exit share the disk whose fsyncs this measures.
  benchDurableCreate();
  process.stdout.write('\n');
  await benchScreens();
  process.stdout.write('\n');
  await benchResolution();
  process.stdout.write('\n');
  await benchSync();
  process.stdout.write('\n');
  const millions = Number(process.env.BENCH_ORDERS ?? 1_000_000);
  benchMillionOrders(millions);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
