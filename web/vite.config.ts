/**
 * The dashboard's build (issue 5): `npm run build:web` writes dist/web/, which `accord serve`
 * serves at `/`. During development, `npx vite --config web/vite.config.ts` proxies the API to a
 * running `accord serve --port 8181`.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    // echarts alone is ~400 kB minified even when imported module by module.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8181' },
  },
});
