#!/usr/bin/env node
await import("../dist/build/cli.js");
