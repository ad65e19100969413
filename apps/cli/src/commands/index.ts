import type { Command } from "commander";

/** A command module: adds one top-level command (with its subcommands) to the program. */
export type RegisterCommand = (program: Command) => void;

/** Every top-level command, in the order `checks --help` lists them. */
export const commands: RegisterCommand[] = [];
