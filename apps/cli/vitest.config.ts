import { defineConfig } from "vitest/config";

// The end-to-end tests start a registry and scan a real image in child processes.
export default defineConfig({
  test: { testTimeout: 180_000, hookTimeout: 400_000 },
});
