import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Tests start real verdaccio servers and hash passwords with bcrypt, which is slow on a loaded machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
