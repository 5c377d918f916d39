import type { Site } from './schemas';

/**
 * What a preCreate is built from: what the cashier (or the CLI) asks for, and what the
 * terminal knows about itself and its merchant. Types only, so the body builder and its
 * parts (trade-information.ts) share them without importing each other.
 */

/** What the cashier (or the CLI) asks for. */
export interface OrderItem {
  name: string;
  quantity: number;
  unitPriceMinor: number;
  category?: string;
  subCategory?: string;
}

export interface PreCreateInput {
  merchantTransId: string;
  amountMinor: number;
  currency: string;
  title: string;
  detail?: string;
  items?: OrderItem[];
}

/** What the terminal knows about itself and its merchant (configuration). */
export interface MerchantSetup {
  merchantId: string;
  seller: {
    sellerId: string;
    sellerMCC: string;
    sellerName: string;
    sellerEngName?: string;
    storeId: string;
    storeMCC: string;
    storeName: string;
    storeEngName?: string;
    terminalId?: string;
    operatorId?: string;
  };
  site: Site | string;
  settleContractId?: string;
  notifyUrl?: string;
  merchantRedirectUrl?: string;
  businessType?: string;
  otherBusinessType?: string;
  device?: DeviceFacts;
}

/** Facts about this machine for riskInfo.deviceInfo; gathered by the caller so this stays pure. */
export interface DeviceFacts {
  serialNo?: string;
  deviceName?: string;
  osName?: string;
  osVersion?: string;
  systemLanguage?: string;
  timeZone?: string;
  screenResolution?: string;
}
