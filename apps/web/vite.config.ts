import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { writeAppShell } from './vite/app-shell.js';
import { slimEmojiData } from './vite/emoji-data.js';
import { precompress } from './vite/precompress.js';

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * After the build is written: the app shell into the service worker first (it changes sw.js),
 * then brotli and gzip copies of every text file, sw.js included. One hook, in that order:
 * Rollup runs different plugins' closeBundle hooks in parallel.
 */
function serveReady(): Plugin {
  let outDir = 'dist';
  return {
    name: 'confab-serve-ready',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      const shell = await writeAppShell(outDir);
      const sizes = await precompress(outDir);
      this.info(
        `app shell ${shell.version} (${shell.files.length} files); ${sizes.files} files ` +
          `precompressed: ${kib(sizes.bytes)} -> br ${kib(sizes.brotliBytes)}, gzip ${kib(sizes.gzipBytes)}`,
      );
    },
  };
}

// In development the API runs separately (apps/api, port 3000); the proxy keeps the app and the
// API on one origin so the HttpOnly session cookie and the WebSocket upgrade work as in production.
export default defineConfig({
  plugins: [slimEmojiData(), react(), serveReady()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: {
    proxy: {
      '/trpc': { target: 'http://127.0.0.1:3000', ws: true, changeOrigin: false },
      // Files and avatars (binary bodies, beside tRPC).
      '/media': { target: 'http://127.0.0.1:3000', changeOrigin: false },
    },
  },
});
