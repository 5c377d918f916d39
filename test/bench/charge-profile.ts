import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { attributeMatching, visible } from '../e2e/support/eventually';
import { startWebTill } from '../support/web-till';
import { line, percentile } from './measure';
import { chargeOnScreen } from './screens-bench';
import { summariseProfile, type CpuProfile } from './profile-summary';

/**
 * Issue 16: where the milliseconds of Charge -> QR go. The web host runs under `--cpu-prof`
 * and the till page under Chromium's own profiler (CDP) while the cashier's sale is repeated;
 * both profiles are summarised (self time by function and by module) and kept as
 * `.cpuprofile` files, which Chromium's DevTools and speedscope open as flame graphs.
 *
 *   npm run bench:profile [-- OUT_DIR]
 */

const ORDERS = Number(process.env.BENCH_PROFILE_ORDERS ?? 100);

async function main(): Promise<void> {
  const out = path.resolve(process.argv[2] ?? fs.mkdtempSync(path.join(os.tmpdir(), 'till-charge-profile-')));
  fs.mkdirSync(out, { recursive: true });
  const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), 'till-host-prof-'));
  const w = await startWebTill({ nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${hostDir}`, '--cpu-prof-interval=200'] });
  let pageProfile: CpuProfile;
  const times: number[] = [];
  const started = Date.now();
  try {
    await visible(w.page.getByTestId('till-screen'));
    await attributeMatching(w.page.getByTestId('amount-display'), 'data-minor', /^0$/);
    for (let i = 0; i < 5; i++) await chargeOnScreen(w, 100 + i);
    const cdp = await w.context.newCDPSession(w.page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    for (let i = 0; i < ORDERS; i++) times.push(await chargeOnScreen(w, 200 + i));
    pageProfile = (await cdp.send('Profiler.stop')).profile as CpuProfile;
  } finally {
    await w.close();
  }
  const seconds = (Date.now() - started) / 1000;
  times.sort((a, b) => a - b);
  line(`click on Charge -> QR painted, p50 (${ORDERS} orders, profiled)`, `${percentile(times, 50).toFixed(1)} ms`);
  line(`click on Charge -> QR painted, p95 (${ORDERS} orders, profiled)`, `${percentile(times, 95).toFixed(1)} ms`);
  fs.writeFileSync(path.join(out, 'till-page.cpuprofile'), JSON.stringify(pageProfile));
  const hostFile = fs.readdirSync(hostDir).find((name) => name.endsWith('.cpuprofile'));
  if (hostFile === undefined) throw new Error(`the web host wrote no profile in ${hostDir}`);
  fs.renameSync(path.join(hostDir, hostFile), path.join(out, 'web-host.cpuprofile'));
  fs.rmSync(hostDir, { recursive: true, force: true });
  process.stdout.write(`\nprofiles in ${out} (${seconds.toFixed(0)} s of work; the host's covers its whole life)\n`);
  process.stdout.write(`\n## till page (Chromium), per sale\n${summariseProfile(pageProfile, ORDERS)}\n`);
  const host = JSON.parse(fs.readFileSync(path.join(out, 'web-host.cpuprofile'), 'utf8')) as CpuProfile;
  process.stdout.write(`\n## web host (Node), per sale over the same sales (its start-up included)\n${summariseProfile(host, ORDERS)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`profile failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
