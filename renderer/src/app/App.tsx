import { useEffect, useState } from 'react';
import type { TillConnection } from '../api/connection';
import { currentRoute } from '../api/open-connection';
import { CustomerScreen } from '../customer/CustomerScreen';
import { I18nProvider } from '../i18n/i18n-context';
import { SupervisorScreen } from '../supervisor/SupervisorScreen';
import { TillScreen } from '../till/TillScreen';
import type { Route } from './fragment';
import { TillProvider, useTill } from './till-context';

function useRoute(): Route {
  const [route, setRoute] = useState<Route>(currentRoute);
  useEffect(() => {
    const onHash = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return route;
}

function Screens() {
  const { status } = useTill();
  const route = useRoute();
  useEffect(() => {
    document.body.dataset['route'] = route;
  }, [route]);
  return (
    <I18nProvider locale={status?.locale === 'zh-HK' ? 'zh-HK' : 'en'}>
      {route === 'customer' ? <CustomerScreen /> : route === 'supervisor' ? <SupervisorScreen /> : <TillScreen />}
    </I18nProvider>
  );
}

export function App({ connection }: { connection: TillConnection }) {
  return (
    <TillProvider connection={connection}>
      <Screens />
    </TillProvider>
  );
}
