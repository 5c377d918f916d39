import type { CheckoutEngine } from '../checkout/engine';
import type { TillConfig } from '../config/settings-schema';
import type { TillDatabase } from '../config/data-dir';
import type { KeyVault } from '../config/key-vault';
import type { SettingsStore } from '../config/settings-store';
import type { TillDeviceSlot } from '../devices/device-slot';
import type { Journal } from '../journal/journal';

/**
 * The part of a till the router and its handlers use. Declared here, below `runtime`
 * (which builds both the till and the router), so `ipc` never imports `runtime`
 * (docs/architecture.md, "Layers"); runtime's `Till` satisfies it as it is.
 */
export interface RouterTill {
  db: TillDatabase;
  settings: SettingsStore;
  vault: KeyVault;
  journal: Journal;
  config(): TillConfig;
  sandbox(): boolean;
  engine(): CheckoutEngine;
  devices: TillDeviceSlot;
}
