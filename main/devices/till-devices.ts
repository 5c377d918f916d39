import type { SqliteDatabase } from '../../native/sqlite';
import type { CheckoutEngine } from '../checkout/engine';
import { CheckoutDevices } from './checkout-devices';
import { DeviceConfigStore } from './device-config';
import { DeviceManager, type DeviceManagerOptions } from './device-manager';
import { displayInit, type DisplayProtocol } from './display';

/** A till's devices once opened: configuration, manager, and what prints and shows as orders move. device-slot.ts opens them. */

/** The devices of one till: their configuration, the manager and the engine wiring. */
export interface TillDevices {
  store: DeviceConfigStore;
  manager: DeviceManager;
  checkout: CheckoutDevices;
  /** Prints and shows as the engine's orders move (idempotent per engine). */
  attach(engine: Pick<CheckoutEngine, 'on' | 'off'>): void;
  /** Lets queued jobs finish (up to drainMs), then closes every port. */
  close(options?: { drainMs?: number }): Promise<void>;
}

export interface TillDevicesOptions {
  db: SqliteDatabase;
  storeName: () => string;
  sandbox: () => boolean;
  now?: () => Date;
  manager?: Omit<DeviceManagerOptions, 'devices' | 'onOpen'>;
}

export function openTillDevices(options: TillDevicesOptions): TillDevices {
  const store = new DeviceConfigStore(options.db);
  const manager = new DeviceManager({
    // An open printer is asked now and then, so the screens learn of an empty roll or an
    // open cover before the next sale rather than when its slip fails.
    statusPollMs: 15_000,
    ...options.manager,
    devices: () => store.list(),
    onOpen: (device) => (device.role === 'display' ? displayInit(device.profile as DisplayProtocol) : undefined),
  });
  const checkout = new CheckoutDevices({ manager, storeName: options.storeName, sandbox: options.sandbox, ...(options.now ? { now: options.now } : {}) });
  const attached = new Map<object, () => void>();
  return {
    store,
    manager,
    checkout,
    attach(engine) {
      if (!attached.has(engine)) attached.set(engine, checkout.attach(engine));
    },
    async close(closeOptions = {}) {
      for (const detach of attached.values()) detach();
      attached.clear();
      await manager.close(closeOptions);
    },
  };
}

