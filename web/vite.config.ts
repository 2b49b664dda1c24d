// The portal's build: a static single-page app in web/dist, served by the OpenPIM server at `/`.
// Hashed file names under assets/ let the server cache them for a year.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline script or module preload polyfill: the server's CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    // `npm run web:dev`: the API on the OpenPIM server next to it.
    proxy: { '/v1.0': 'http://127.0.0.1:8080', '/beta': 'http://127.0.0.1:8080', '/openpim': 'http://127.0.0.1:8080' },
  },
});
