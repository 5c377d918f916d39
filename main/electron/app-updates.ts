import { autoUpdater } from 'electron-updater';
import type { UpdateView } from '../../preload/contract';
import type { Journal } from '../journal/journal';
import { updateFactsOf, updateWait } from '../runtime/update-policy';

/**
 * Updates of a packaged till (issue 15 §5, docs/operations.md "Updates"): electron-updater
 * with the generic provider of electron-builder.yml. Looked for at start and every 4 h
 * (a failure is logged and waits for the next look: nothing hammers the update server);
 * downloaded in the background; installed only when update-policy.ts allows (today closed,
 * nothing unresolved), looked at every minute, never on quit. Wiring only: the policy is
 * the tested part.
 */

const CHECK_EVERY_MS = 4 * 60 * 60_000;
const POLICY_EVERY_MS = 60_000;

export interface UpdateFollower {
  status(): UpdateView | null;
  close(): void;
}

export function followUpdates(options: { journal: () => Journal; log: (line: string) => void; changed: () => void }): UpdateFollower {
  let pending: UpdateView | null = null;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = false;
  const look = () => void autoUpdater.checkForUpdates().catch((error: unknown) => options.log(`update check failed (next in 4 h): ${error instanceof Error ? error.message : String(error)}`));
  autoUpdater.on('update-downloaded', (info: { version: string }) => {
    options.log(`update ${info.version} downloaded; it installs once the day is closed and nothing is unresolved`);
    pending = { version: info.version, waitingFor: 'DAY_OPEN' };
    decide();
  });
  const decide = () => {
    if (pending === null) return;
    const waitingFor = updateWait(updateFactsOf(options.journal(), Date.now()));
    if (waitingFor !== pending.waitingFor) {
      pending = { ...pending, waitingFor };
      options.changed();
    }
    if (waitingFor === null) {
      options.log(`installing update ${pending.version} now (day closed, nothing unresolved)`);
      autoUpdater.quitAndInstall(true, true);
    }
  };
  const checks = setInterval(look, CHECK_EVERY_MS);
  const policy = setInterval(decide, POLICY_EVERY_MS);
  look();
  return {
    status: () => pending,
    close() {
      clearInterval(checks);
      clearInterval(policy);
    },
  };
}
