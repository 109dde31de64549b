import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// In development the app's backend (npm start, port 5180 by default) answers /api and
// /confab-token behind Vite's dev server; built, the backend serves dist/ itself.
const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:5180';
export default defineConfig({
  plugins: [react()],
  server: { proxy: { '/api': backend, '/confab-token': backend } },
});
