import type { Command } from "commander";
import { register as registerRun } from "./run.js";
import { register as registerPlugins } from "./plugins.js";
import { register as registerSet } from "./set.js";
import { register as registerTrust } from "./trust.js";
import { register as registerRegistry } from "./registry.js";
import { register as registerDb } from "./db.js";
import { register as registerSbom } from "./sbom.js";
import { register as registerInspect } from "./inspect.js";

/** A command module: adds one top-level command (with its subcommands) to the program. */
export type RegisterCommand = (program: Command) => void;

/** Every top-level command, in the order `checks --help` lists them. */
export const commands: RegisterCommand[] = [registerRun, registerPlugins, registerSet, registerTrust, registerRegistry, registerDb, registerSbom, registerInspect];
