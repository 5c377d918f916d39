import type { DeviceInputView, DeviceView } from '../../../preload/contract';

/** The device form's fields as text; `toDeviceInput` turns them into the contract's shape. */
export interface DeviceFormValues {
  name: string;
  role: 'printer' | 'display';
  path: string;
  baud: string;
  dataBits: '7' | '8';
  parity: 'none' | 'even' | 'odd';
  stopBits: '1' | '2';
  flow: 'none' | 'rtscts' | 'xonxoff';
  profile: string;
  enabled: boolean;
}

/** As the router's schema has it: a letter or digit first, then letters, digits, '.', '_', '-'. */
export const DEVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;

export const BAUD_RATES = ['1200', '2400', '4800', '9600', '19200', '38400', '57600', '115200'] as const;

export function blankDevice(): DeviceFormValues {
  return { name: '', role: 'printer', path: '', baud: '9600', dataBits: '8', parity: 'none', stopBits: '1', flow: 'none', profile: '', enabled: true };
}

export function formOf(device: DeviceView): DeviceFormValues {
  return {
    name: device.name,
    role: device.role,
    path: device.path,
    baud: String(device.baud),
    dataBits: String(device.dataBits) as '7' | '8',
    parity: device.parity,
    stopBits: String(device.stopBits) as '1' | '2',
    flow: device.flow,
    profile: device.profile,
    enabled: device.enabled,
  };
}

export type DeviceFormProblem = 'name' | 'path' | 'baud';

/** The request for devices.save, or the first field a person must fix before sending. */
export function toDeviceInput(values: DeviceFormValues): { ok: true; device: DeviceInputView } | { ok: false; field: DeviceFormProblem } {
  const name = values.name.trim();
  if (!DEVICE_NAME.test(name)) return { ok: false, field: 'name' };
  const path = values.path.trim();
  if (path === '' || path.length > 4096) return { ok: false, field: 'path' };
  if (!/^\d{3,7}$/.test(values.baud)) return { ok: false, field: 'baud' };
  const device: DeviceInputView = {
    name,
    role: values.role,
    path,
    baud: Number(values.baud),
    dataBits: values.dataBits === '7' ? 7 : 8,
    parity: values.parity,
    stopBits: values.stopBits === '2' ? 2 : 1,
    flow: values.flow,
    enabled: values.enabled,
  };
  if (values.profile !== '') device.profile = values.profile;
  return { ok: true, device };
}
