import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { openConnection } from './api/open-connection';
import { App } from './app/App';
import { NoToken } from './app/NoToken';
import './styles/till.css';

const root = createRoot(document.getElementById('root') as HTMLElement);
const opened = openConnection();
root.render(<StrictMode>{opened.ok ? <App connection={opened.connection} /> : <NoToken />}</StrictMode>);
