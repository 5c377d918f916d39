import type { CheckoutEngine } from '../checkout/engine';
import { DeviceConfigStore, hasEnabledDevices } from './device-config';
import type { DeviceStatus } from './device-manager';
import type { TillDevices, TillDevicesOptions } from './till-devices';

/**
 * The one owner of a till's serial devices for the rest of the till: runtime and ipc hold a
 * TillDeviceSlot and ask it (open, follow the engine, tell of state changes); they do not
 * wire devices themselves.
 */

/**
 * A till's devices, opened on first use: serialport and the QR encoder are loaded only once
 * some device exists, so most commands never load them. The engine, once there, drives
 * the devices; state listeners follow whichever TillDevices is open, including one opened
 * after they subscribed (a device saved from the screen).
 */
export class TillDeviceSlot {
  private devices: TillDevices | undefined;
  private engine: Pick<CheckoutEngine, 'on' | 'off'> | undefined;
  private readonly stateListeners = new Set<(devices: TillDevices, status: DeviceStatus) => void>();

  constructor(private readonly options: TillDevicesOptions) {}

  /** The devices, opened now if they were not. */
  get(): TillDevices {
    if (!this.devices) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { openTillDevices } = require('./till-devices') as typeof import('./till-devices');
      const devices = openTillDevices(this.options);
      this.devices = devices;
      if (this.engine) devices.attach(this.engine);
      devices.manager.on('state', (status) => {
        for (const listener of [...this.stateListeners]) listener(devices, status);
      });
    }
    return this.devices;
  }

  /** The engine now exists: its orders print and show; the devices open now when one is enabled. */
  follow(engine: Pick<CheckoutEngine, 'on' | 'off'>): void {
    this.engine = engine;
    if (this.devices) this.devices.attach(engine);
    else if (this.anyEnabled()) this.get();
  }

  /** A device is configured (read from the table, without loading serialport). */
  anyConfigured(): boolean {
    return this.devices !== undefined || new DeviceConfigStore(this.options.db).list().length > 0;
  }

  anyEnabled(): boolean {
    return hasEnabledDevices(this.options.db);
  }

  /** Calls the listener on every state change of any device; returns what stops it. */
  onState(listener: (devices: TillDevices, status: DeviceStatus) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  async close(options?: { drainMs?: number }): Promise<void> {
    this.stateListeners.clear();
    await this.devices?.close(options);
  }
}
