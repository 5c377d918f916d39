import type { TillConfig } from '../config/settings-schema';

/** What the Electron host takes from the till's settings: kiosk mode and the customer window. */

export interface UiSettings {
  kiosk: boolean;
  customerWindow: 'auto' | 'off';
}

export function uiSettingsOf(config: Pick<TillConfig, 'ui.kiosk' | 'ui.customerWindow'>): UiSettings {
  return { kiosk: config['ui.kiosk'], customerWindow: config['ui.customerWindow'] };
}
