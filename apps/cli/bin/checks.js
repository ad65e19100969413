#!/usr/bin/env node
import { main } from "../dist/main.js";

// A reader that closes early, as in "checks plugins list | head", ends the output, not the program with a stack.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await main(process.argv);
