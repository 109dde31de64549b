import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the API runs separately (apps/api, port 3000); the proxy keeps the app and the
// API on one origin so the HttpOnly session cookie and the WebSocket upgrade work as in production.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/trpc': { target: 'http://127.0.0.1:3000', ws: true, changeOrigin: false },
    },
  },
});
