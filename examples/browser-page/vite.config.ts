import { defineConfig } from 'vite';

// Nothing to configure: the page talks to Confab on another origin (CORS, bearer token).
export default defineConfig({});
