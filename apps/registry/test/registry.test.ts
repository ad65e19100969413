import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { RegistryError, addRegistryUser, buildVerdaccioConfig, createRegistryUser, registryStatus, startRegistry, startRegistryDaemon, stopRegistryDaemon } from "../src/index.js";
import type { RunningRegistry } from "../src/index.js";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "checks-registry-test-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Publishes a one-file package with the npm publish document. */
async function publish(url: string, token: string, name: string, version: string): Promise<Response> {
  const tarball = gzipSync(Buffer.alloc(1024));
  const filename = `${name.split("/").pop()}-${version}.tgz`;
  return fetch(`${url}/${name.replace("/", "%2f")}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({
      _id: name,
      name,
      "dist-tags": { latest: version },
      versions: { [version]: { name, version, dist: { tarball: `${url}/${name}/-/${filename}`, integrity: `sha512-${createHash("sha512").update(tarball).digest("base64")}` } } },
      _attachments: { [filename]: { content_type: "application/octet-stream", data: tarball.toString("base64"), length: tarball.length } },
    }),
  });
}

describe("buildVerdaccioConfig", () => {
  it("never proxies the official and site scopes", () => {
    const config = buildVerdaccioConfig({ dir: "/srv/registry", scopes: ["@site"], uplinks: { upstream: { url: "http://127.0.0.1:1" } } }) as { packages: Record<string, { proxy?: string }> };
    expect(config.packages["@checks/*"]?.proxy).toBeUndefined();
    expect(config.packages["@site/*"]?.proxy).toBeUndefined();
    expect(config.packages["**"]?.proxy).toBe("upstream");
  });

  it("has no uplinks by default", () => {
    const config = buildVerdaccioConfig({ dir: "/srv/registry" }) as { uplinks: object; packages: Record<string, { proxy?: string }> };
    expect(config.uplinks).toEqual({});
    expect(config.packages["**"]?.proxy).toBeUndefined();
  });

  it("rejects an invalid scope", () => {
    expect(() => buildVerdaccioConfig({ dir: "/srv/registry", scopes: ["site"] })).toThrow(TypeError);
  });
});

describe("startRegistry", () => {
  it("never proxies protected scopes to uplinks", async () => {
    const upstream: RunningRegistry = await startRegistry({ dir: await tempDir(), port: 0, maxUsers: 10 });
    cleanups.push(() => upstream.close());
    const upstreamToken = await createRegistryUser(upstream.url, "upstream", "upstream-password");
    expect((await publish(upstream.url, upstreamToken, "@checks/plugin-confused", "9.9.9")).ok).toBe(true);
    expect((await publish(upstream.url, upstreamToken, "@site/checks-plugin-confused", "9.9.9")).ok).toBe(true);
    expect((await publish(upstream.url, upstreamToken, "checks-plugin-public", "1.0.0")).ok).toBe(true);

    const site = await startRegistry({ dir: await tempDir(), port: 0, scopes: ["@site"], uplinks: { upstream: { url: upstream.url } } });
    cleanups.push(() => site.close());

    expect((await fetch(`${site.url}/@checks%2fplugin-confused`)).status).toBe(404);
    expect((await fetch(`${site.url}/@site%2fchecks-plugin-confused`)).status).toBe(404);
    expect((await fetch(`${site.url}/checks-plugin-public`)).status).toBe(200);
  });

  it("requires authentication to publish", async () => {
    const dir = await tempDir();
    const registry = await startRegistry({ dir, port: 0 });
    cleanups.push(() => registry.close());
    expect((await publish(registry.url, "not-a-token", "@checks/plugin-anonymous", "1.0.0")).ok).toBe(false);
    await expect(createRegistryUser(registry.url, "stranger", "stranger-password")).rejects.toMatchObject({ code: "USER_FAILED" });
    await addRegistryUser(dir, "publisher", "publisher-password");
    const token = await createRegistryUser(registry.url, "publisher", "publisher-password");
    expect((await publish(registry.url, token, "@checks/plugin-anonymous", "1.0.0")).ok).toBe(true);
    expect(await createRegistryUser(registry.url, "publisher", "publisher-password")).toMatch(/\S/);
    await expect(createRegistryUser(registry.url, "publisher", "wrong-password")).rejects.toMatchObject({ code: "USER_FAILED" });
  });

  it("lets only the listed publishers publish official names", async () => {
    const dir = await tempDir();
    const registry = await startRegistry({ dir, port: 0, publishers: ["release"] });
    cleanups.push(() => registry.close());
    await addRegistryUser(dir, "release", "release-password");
    await addRegistryUser(dir, "author", "author-password");
    const release = await createRegistryUser(registry.url, "release", "release-password");
    const author = await createRegistryUser(registry.url, "author", "author-password");

    expect((await publish(registry.url, author, "@checks/plugin-claimed", "1.0.0")).status).toBe(403);
    expect((await publish(registry.url, release, "@checks/plugin-claimed", "1.0.0")).ok).toBe(true);
    expect((await publish(registry.url, author, "checks-plugin-community", "1.0.0")).ok).toBe(true);
  });

  it.each([
    ["an invalid name", "Bad Name", "long-enough-password"],
    ["a short password", "publisher", "short"],
  ])("addRegistryUser rejects %s", async (_case, name, password) => {
    await expect(addRegistryUser(await tempDir(), name, password)).rejects.toMatchObject({ code: "USER_FAILED" });
  });
});

describe("registry daemon", () => {
  it("starts, reports status, logs without tokens and stops", async () => {
    const dir = await tempDir();
    const { state, started } = await startRegistryDaemon({ dir, port: 0 });
    cleanups.push(async () => void (await stopRegistryDaemon(dir).catch(() => false)));
    expect(started).toBe(true);
    expect((await registryStatus(dir)).running).toBe(true);

    const again = await startRegistryDaemon({ dir, port: 0 });
    expect(again.started).toBe(false);
    expect(again.state.pid).toBe(state.pid);

    await addRegistryUser(dir, "publisher", "publisher-password");
    const token = await createRegistryUser(state.url, "publisher", "publisher-password");
    expect((await publish(state.url, token, "@checks/plugin-logged", "1.0.0")).ok).toBe(true);

    expect(await stopRegistryDaemon(dir)).toBe(true);
    expect((await registryStatus(dir)).running).toBe(false);
    expect(existsSync(join(dir, "state.json"))).toBe(false);
    const log = await readFile(join(dir, "registry.log"), "utf8");
    expect(log).toContain("plugin-logged");
    expect(log).not.toContain(token);
    expect(log).not.toContain("publisher-password");
    expect(await stopRegistryDaemon(dir)).toBe(false);
  });

  it("startRegistry fails with START_FAILED on a taken port", async () => {
    const holder = await startRegistry({ dir: await tempDir(), port: 0 });
    cleanups.push(() => holder.close());
    await expect(startRegistry({ dir: await tempDir(), port: holder.port })).rejects.toMatchObject({ code: "START_FAILED" });
  });

  it("leaves a pid that is no registry alone", async () => {
    const dir = await tempDir();
    // This test process is alive but serves no registry at that URL.
    await writeFile(join(dir, "state.json"), JSON.stringify({ pid: process.pid, url: "http://127.0.0.1:1", port: 1, dir, startedAt: new Date().toISOString() }));
    await expect(stopRegistryDaemon(dir)).rejects.toMatchObject({ code: "NOT_RESPONDING" });
    expect((await registryStatus(dir)).running).toBe(false);
  });

  it("fails with START_FAILED when the port is taken", async () => {
    const holder = await startRegistry({ dir: await tempDir(), port: 0 });
    cleanups.push(() => holder.close());
    const error = await startRegistryDaemon({ dir: await tempDir(), port: holder.port }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe("START_FAILED");
  });
});
