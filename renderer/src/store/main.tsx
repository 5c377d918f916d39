import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '../styles/till.css';
import '../styles/store.css';
import { StoreApp } from './StoreApp';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoreApp />
  </StrictMode>,
);
