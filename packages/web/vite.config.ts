import { BlockList } from 'node:net';
import { defineConfig, type ProxyOptions } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev -w @lookout/web` serves the UI with hot reload and sends API calls to a Lookout
// server (LOOKOUT_URL, default http://127.0.0.1:4318). `npm run build` writes dist/, which the
// server serves at /.
const target = process.env.LOOKOUT_URL ?? 'http://127.0.0.1:4318';

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

function isLoopbackPeer(address: string | undefined): boolean {
  if (address === undefined) return false;
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) is checked against the IPv4 rules.
  return loopback.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
}

// The browser's Host and Origin reach the server unchanged (Vite's string form would set
// changeOrigin, which rewrites Host to the target's): the server's DNS-rebinding and
// cross-site checks then judge what the browser sent, and the UI's own writes are same-origin
// (Origin http://localhost:5173, Host localhost:5173). A cross-site page posting to the dev
// server keeps its foreign Origin and is refused as it would be without the proxy.
const api: ProxyOptions = {
  target,
  changeOrigin: false,
  configure(proxy) {
    // The dev server is a proxy: Lookout sees every request come from this machine. A browser
    // elsewhere (`vite --host`) is named in X-Forwarded-For, so a keyless server refuses it
    // instead of treating it as the local operator.
    proxy.on('proxyReq', (proxyReq, req) => {
      const peer = req.socket.remoteAddress;
      if (!isLoopbackPeer(peer)) proxyReq.setHeader('x-forwarded-for', peer ?? 'unknown');
    });
  },
};

export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': api, '/auth': api, '/metrics': api, '/healthz': api } },
});
