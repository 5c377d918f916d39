import type { DeviceView, TillEvent } from '../../preload/contract';
import type { TillDevices } from '../devices/till-devices';
import type { AlarmRecord, OrderRecord, RefundRecord } from '../journal/types';
import type { ConnectivityStatus } from '../checkout/engine-types';
import type { RouterTill } from './router-till';
import type { EventHub } from './event-hub';
import { alarmView, connectivityView, deviceView, orderView, refundView } from './views';

/**
 * What the screens hear without asking: the engine's order, refund, connectivity and
 * alarm events, and the devices' state changes, mapped to views and handed to the hub.
 * The devices are opened lazily (serialport is loaded only when some device exists), so
 * their listener is attached on first use, from whichever side gets there first.
 */

export interface DevicesAccess {
  /** The till's devices, with their state events wired to the screens. */
  get(): TillDevices;
  /** Every configured device and its state; [] without loading serialport when none is configured. */
  views(): DeviceView[];
  /** Enabled devices whose state needs the cashier's attention. */
  problems(): DeviceView[];
  /** Tells the screens the device list changed (saved, removed). */
  changed(): void;
}

export interface TillEvents {
  devices: DevicesAccess;
  detach(): void;
}

const FINE_STATES = new Set<DeviceView['state']>(['ready', 'busy']);

export function wireTillEvents(till: RouterTill, hub: EventHub, log: (line: string) => void): TillEvents {
  const detachers: Array<() => void> = [];
  const safely = (what: string, build: () => TillEvent) => {
    try {
      hub.emit(build());
    } catch (error) {
      // Never into the engine's (or the device manager's) emit.
      log(`router: cannot pass on a ${what} event: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const engine = till.engine();
  const onOrder = (order: OrderRecord) => safely('order', () => ({ type: 'order', order: orderView(order) }));
  const onRefund = (refund: RefundRecord) => safely('refund', () => ({ type: 'refund', refund: refundView(refund) }));
  const onConnectivity = (status: ConnectivityStatus) => safely('connectivity', () => ({ type: 'connectivity', connectivity: connectivityView(status) }));
  const onAlarm = (alarm: AlarmRecord) => safely('alarm', () => ({ type: 'alarm', alarm: alarmView(alarm) }));
  engine.on('order', onOrder);
  engine.on('refund', onRefund);
  engine.on('connectivity', onConnectivity);
  engine.on('alarm', onAlarm);
  detachers.push(() => {
    engine.off('order', onOrder);
    engine.off('refund', onRefund);
    engine.off('connectivity', onConnectivity);
    engine.off('alarm', onAlarm);
  });

  const slot = till.devices;
  const views = (devices: TillDevices): DeviceView[] => devices.store.list().map((d) => deviceView(d, devices.manager.status(d.name)));
  detachers.push(slot.onState((devices) => safely('devices', () => ({ type: 'devices', devices: views(devices) }))));
  // Nothing configured: nothing to load (the slot opens them when a device is saved).
  if (slot.anyEnabled()) slot.get();

  const devices: DevicesAccess = {
    get: () => slot.get(),
    views: () => (slot.anyConfigured() ? views(slot.get()) : []),
    problems: () => (slot.anyEnabled() ? views(slot.get()).filter((d) => d.enabled && !FINE_STATES.has(d.state)) : []),
    changed: () => safely('devices', () => ({ type: 'devices', devices: devices.views() })),
  };

  return {
    devices,
    detach() {
      for (const detach of detachers.splice(0)) detach();
    },
  };
}
