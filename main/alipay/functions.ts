/**
 * The four APIs the till calls and where they live (docs/protocol.md §2). The paths are not a
 * mechanical mapping of the function names (`grefund`), so they are listed, not derived.
 */
export const API = {
  preCreate: { fn: 'alipay.intl.acquiring.offline.preCreate', path: '/api/alipay/intl/acquiring/offline/precreate.htm' },
  payQuery: { fn: 'alipay.intl.acquiring.offline.payQuery', path: '/api/alipay/intl/acquiring/offline/payquery.htm' },
  payCancel: { fn: 'alipay.intl.acquiring.common.payCancel', path: '/api/alipay/intl/acquiring/common/paycancel.htm' },
  refund: { fn: 'alipay.intl.acquiring.common.refund', path: '/api/alipay/intl/acquiring/common/grefund.htm' },
} as const;

export type ApiName = keyof typeof API;
export type FunctionName = (typeof API)[ApiName]['fn'];

export const API_VERSION = '2.0.4';

export function apiByPath(path: string): ApiName | undefined {
  return (Object.keys(API) as ApiName[]).find((name) => API[name].path === path);
}

export function apiByFunction(fn: string): ApiName | undefined {
  return (Object.keys(API) as ApiName[]).find((name) => API[name].fn === fn);
}
