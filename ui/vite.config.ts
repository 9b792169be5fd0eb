/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The Tauri shell loads `dist/` (production) or this dev server (`tauri dev`, port fixed so the
// shell's devUrl matches). No inline scripts: the production CSP forbids them. Two pages: the app
// (`index.html`, main window) and the payment page (`pay.html`, the payment window, no React).
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  // `fs.allow`: the UI, plus the Rust sources, which a test reads as text to check every error
  // message Rust can send the owner (src/ownerMessages.test.ts).
  server: { port: 1420, strictPort: true, host: "127.0.0.1", fs: { allow: [".", "../crates", "../src-tauri"] } },
  build: {
    target: "safari15",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: { input: { main: "index.html", pay: "pay.html" } },
  },
  test: {
    environment: "jsdom",
    setupFiles: ["./src/test/setup.ts"],
    restoreMocks: true,
    // A screen test types, clicks and runs axe-core; on a loaded 2-core CI machine 5 s is too little.
    testTimeout: 20000,
    // The design-token test reads the stylesheets as text (`?raw`).
    css: { include: [/\.css\?raw/] },
  },
});
