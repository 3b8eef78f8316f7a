/** Vite's build of the dashboard: dist/ is what the hub serves at /; the dev server forwards the API to a local hub. */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const hub = 'http://127.0.0.1:3000';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: { '/api': hub, '/auth': hub } },
});
