/** The entry point: mounts the dashboard into #root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';

const container = document.getElementById('root');
if (!container) throw new Error('The page has no #root element to mount the dashboard in.');
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
