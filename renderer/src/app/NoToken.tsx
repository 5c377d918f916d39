import { catalogFor } from '../i18n/catalogs';

/** Opened without the preload and without a bridge token: nothing to connect to. */
export function NoToken() {
  const preferred = navigator.languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-HK' : 'en';
  const catalog = catalogFor(preferred);
  return (
    <div className="screen center" data-testid="no-token">
      <div className="panel">
        <h1>{catalog['noToken.title']}</h1>
        <p>{catalog['noToken.body']}</p>
      </div>
    </div>
  );
}
