// Builds the wall's renderer (renderer/ → dist/renderer). Relative base: Electron loads the
// build through a custom protocol and the web shell serves it from its root.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: resolve(here, 'renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(here, 'dist/renderer'),
    emptyOutDir: true,
    // The wall runs offline on known hardware; one modern target keeps the output small.
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    sourcemap: false,
    // the wall, and the page a tile's player runs in when it has a frame of its own
    rollupOptions: { input: { main: resolve(here, 'renderer/index.html'), frame: resolve(here, 'renderer/video-frame.html') } },
  },
  worker: { format: 'es' },
});
