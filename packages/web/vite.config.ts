import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev -w @lookout/web` serves the UI with hot reload and sends API calls to a Lookout
// server (LOOKOUT_URL, default http://127.0.0.1:4318). `npm run build` writes dist/, which the
// server serves at /.
const target = process.env.LOOKOUT_URL ?? 'http://127.0.0.1:4318';

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': target, '/healthz': target } },
});
