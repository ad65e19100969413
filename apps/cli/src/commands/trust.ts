import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { addTrustedKey, readTrustedKeys, removeTrustedKey } from "@checks/marketplace";
import { UserError } from "../errors.js";
import { asUserError, marketplaceContext } from "./plugins.js";

function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

export function register(program: Command): void {
  const trust = program.command("trust").description("Manage the public keys whose signed plugin sets you accept.");

  trust
    .command("add")
    .description("Trust the ed25519 public key in KEYFILE for signed sets.")
    .argument("<keyfile>", 'PEM public key, such as the ".pub.pem" file of "checks set keygen"')
    .option("--name <label>", "a label shown by \"checks trust list\"")
    .action(async (keyFile: string, flags: { name?: string }) => {
      const context = await marketplaceContext();
      const pem = await readFile(keyFile, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw new UserError(`Cannot read the key file ${keyFile}: ${error.code ?? error.message}.`, undefined, { cause: error });
      });
      const key = await asUserError(addTrustedKey(context.trustFile, pem, flags.name));
      print(`trusted ${key.id}${key.name ? ` (${key.name})` : ""}`);
    });

  trust
    .command("list")
    .description("List trusted keys.")
    .option("--json", "print the keys as JSON")
    .action(async (flags: { json?: boolean }) => {
      const context = await marketplaceContext();
      const keys = await asUserError(readTrustedKeys(context.trustFile));
      if (flags.json) return print(JSON.stringify(keys, null, 2));
      if (keys.length === 0) return print('No trusted keys; add one with "checks trust add KEYFILE".');
      for (const key of keys) print(`${key.id}  ${key.name ?? ""}  added ${key.addedAt}`);
    });

  trust
    .command("remove")
    .description("Stop trusting a key.")
    .argument("<key>", "key id (ed25519:...) or label")
    .action(async (idOrName: string) => {
      const context = await marketplaceContext();
      const removed = await asUserError(removeTrustedKey(context.trustFile, idOrName));
      if (!removed) throw new UserError(`No trusted key has the id or label "${idOrName}"; "checks trust list" shows them.`);
      print(`removed ${removed.id}`);
    });
}
