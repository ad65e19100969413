import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Tests start real runner processes, and some wait for a CPU or memory limit to fire.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
