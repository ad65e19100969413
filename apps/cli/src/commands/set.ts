import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import type { Command } from "commander";
import { createSet, fetchSet, generateSigningKey, parseSet, publishSet, readTrustedKeys, signSet, verifySet, UnsignedSetSchema } from "@checks/marketplace";
import type { UnsignedSet } from "@checks/marketplace";
import { UserError } from "../errors.js";
import { asUserError, marketplaceContext } from "./plugins.js";

function print(line = ""): void {
  process.stdout.write(`${line}\n`);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

async function readText(file: string, what: string): Promise<string> {
  return readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`Cannot read ${what} ${file}: ${error.code ?? error.message}.`, undefined, { cause: error });
  });
}

async function writeNew(file: string, content: string, force: boolean | undefined, mode = 0o644): Promise<void> {
  if (!force && existsSync(file)) throw new UserError(`${file} exists; pass --force to overwrite it.`);
  await writeFile(file, content, { mode });
}

/** Reads an unsigned or signed set file; a signed one loses its signature when signed again. */
async function readUnsignedSet(file: string): Promise<UnsignedSet> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readText(file, "the set file")) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`The set file ${file} is not valid JSON: ${(error as Error).message}`, undefined, { cause: error });
  }
  const { keyId: _keyId, signature: _signature, ...rest } = json;
  const parsed = UnsignedSetSchema.safeParse(rest);
  if (!parsed.success) {
    throw new UserError(`The set file ${file} is invalid:\n${parsed.error.issues.map((issue) => `  ${issue.path.join(".") || "(set)"}: ${issue.message}`).join("\n")}`);
  }
  return parsed.data;
}

export function register(program: Command): void {
  const set = program.command("set").description("Create, sign, verify and publish curated plugin sets.");

  set
    .command("keygen")
    .description("Generate an ed25519 signing key: PREFIX.pem (private, mode 0600) and PREFIX.pub.pem (public, to share).")
    .requiredOption("--out <prefix>", "path prefix of the two key files")
    .option("--force", "overwrite existing key files")
    .action(async (flags: { out: string; force?: boolean }) => {
      const key = generateSigningKey();
      await writeNew(`${flags.out}.pem`, key.privateKeyPem, flags.force, 0o600);
      await writeNew(`${flags.out}.pub.pem`, key.publicKeyPem, flags.force);
      print(`key ${key.id}: private key ${flags.out}.pem, public key ${flags.out}.pub.pem`);
    });

  set
    .command("create")
    .description("Write an unsigned set of exact plugin versions, with integrities taken from the verified tarballs.")
    .requiredOption("--name <name>", "set name, such as baseline")
    .requiredOption("--plugin <name@version>", "a plugin at an exact version; repeatable", collect)
    .option("--set-version <version>", "version of the set document", "1.0.0")
    .option("--description <text>", "what the set is for")
    .option("-o, --output <file>", "set file to write (default: NAME.set.json)")
    .option("--force", "overwrite the output file")
    .option("--registry <url>", "registry URL (default: the config file, CHECKS_REGISTRY, or the embedded registry)")
    .action(async (flags: { name: string; plugin: string[]; setVersion: string; description?: string; output?: string; force?: boolean; registry?: string }) => {
      const context = await marketplaceContext(flags);
      const unsigned = await asUserError(createSet(context.registry, { name: flags.name, version: flags.setVersion, description: flags.description, plugins: flags.plugin }));
      const output = flags.output ?? `${flags.name}.set.json`;
      await writeNew(output, JSON.stringify(unsigned, null, 2) + "\n", flags.force);
      print(`wrote ${output} with ${unsigned.plugins.length} plugin${unsigned.plugins.length === 1 ? "" : "s"}; sign it with "checks set sign --key KEY.pem ${output}"`);
    });

  set
    .command("sign")
    .description("Sign a set file with an ed25519 private key, in place unless --output is given.")
    .argument("<setfile>", "set file written by \"checks set create\"")
    .requiredOption("--key <file>", "private key file written by \"checks set keygen\"")
    .option("-o, --output <file>", "write the signed set here instead of replacing SETFILE")
    .action(async (setFile: string, flags: { key: string; output?: string }) => {
      const unsigned = await readUnsignedSet(setFile);
      const signed = await asUserError(async () => signSet(unsigned, await readText(flags.key, "the key file")));
      await writeFile(flags.output ?? setFile, JSON.stringify(signed, null, 2) + "\n");
      print(`signed ${signed.name}@${signed.version} with key ${signed.keyId}`);
    });

  set
    .command("verify")
    .description("Check a set's signature against the trusted keys.")
    .argument("<set>", "set file path, or set package NAME[@VERSION] on the registry")
    .option("--registry <url>", "registry URL for a set package")
    .action(async (spec: string, flags: { registry?: string }) => {
      const context = await marketplaceContext(flags);
      const { set: document, source } = await asUserError(fetchSet(context.registry, spec));
      const trustedKeys = await asUserError(readTrustedKeys(context.trustFile));
      const key = await asUserError(() => verifySet(document, trustedKeys, source));
      print(`${source}: signature valid, key ${key.id}${key.name ? ` (${key.name})` : ""}`);
      for (const plugin of document.plugins) print(`  ${plugin.name}@${plugin.version}`);
    });

  set
    .command("publish")
    .description("Publish a signed set file to the registry as a package holding checks-set.json.")
    .argument("<setfile>", "signed set file")
    .requiredOption("--package <name>", "package name, such as @site/checks-set-baseline")
    .option("--registry <url>", "registry URL (default: the config file, CHECKS_REGISTRY, or the embedded registry)")
    .action(async (setFile: string, flags: { package: string; registry?: string }) => {
      const context = await marketplaceContext(flags);
      const document = await asUserError(async () => parseSet(await readText(setFile, "the set file"), setFile));
      await asUserError(publishSet(context.registry, document, flags.package));
      print(`published ${flags.package}@${document.version}; install it with "checks plugins install --set ${flags.package}"`);
    });
}
