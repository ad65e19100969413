import { defineCheck, matchAny } from "@checks/sdk";

interface CacheRule {
  readonly cache: string;
  readonly globs: readonly string[];
  /** Extracts the cache folder a file belongs to, so each folder gets one finding. */
  readonly folder: RegExp;
  readonly remove: string;
}

const HOMES = ["/root", "/home/*"];

const RULES: readonly CacheRule[] = [
  { cache: "apt archives", globs: ["/var/cache/apt/archives/*.deb"], folder: /^\/var\/cache\/apt\/archives/, remove: "apt-get clean" },
  { cache: "apt package", globs: ["/var/cache/apt/*.bin"], folder: /^\/var\/cache\/apt/, remove: "apt-get clean" },
  { cache: "apt lists", globs: ["/var/lib/apt/lists/*"], folder: /^\/var\/lib\/apt\/lists/, remove: "rm -rf /var/lib/apt/lists/*" },
  { cache: "yum", globs: ["/var/cache/yum/**"], folder: /^\/var\/cache\/yum/, remove: "yum clean all" },
  { cache: "dnf", globs: ["/var/cache/dnf/**"], folder: /^\/var\/cache\/dnf/, remove: "dnf clean all" },
  { cache: "apk", globs: ["/var/cache/apk/*", "/etc/apk/cache/*"], folder: /^(\/var\/cache\/apk|\/etc\/apk\/cache)/, remove: "apk add --no-cache" },
  { cache: "pip", globs: HOMES.map((home) => `${home}/.cache/pip/**`), folder: /^.*?\/\.cache\/pip/, remove: "pip install --no-cache-dir" },
  { cache: "npm", globs: HOMES.map((home) => `${home}/.npm/_cacache/**`), folder: /^.*?\/\.npm\/_cacache/, remove: "npm cache clean --force" },
  {
    cache: "yarn",
    globs: ["/usr/local/share/.cache/yarn/**", ...HOMES.map((home) => `${home}/.cache/yarn/**`)],
    folder: /^.*?\/\.cache\/yarn/,
    remove: "yarn cache clean",
  },
  {
    cache: "conda",
    globs: ["/opt/conda/pkgs/*.{conda,tar.bz2}", "/opt/*conda*/pkgs/*.{conda,tar.bz2}", ...HOMES.map((home) => `${home}/*conda*/pkgs/*.{conda,tar.bz2}`)],
    folder: /^.*\/pkgs/,
    remove: "conda clean --all --yes",
  },
];

/** apt's own bookkeeping entries, present even in a cleaned image. */
const APT_BOOKKEEPING = /^\/var\/lib\/apt\/lists\/(lock|partial|auxfiles)(\/|$)/;

export const packageCaches = defineCheck({
  id: "package-caches",
  title: "Package manager caches",
  description:
    "Downloaded packages and indexes that package managers leave behind: apt archives and lists, yum and dnf caches, the apk cache, and pip, npm, yarn and conda caches. They add size to every pull and nothing at run time.",
  level: "low",
  tags: ["clean"],
  messages: {
    packageCache: { text: "{{cache}} cache in {{path}}: {{count}} files, {{size}} KiB; clean it with `{{remove}}`", severity: "low" },
  },
  remediation:
    "Clean the cache in the same RUN step that filled it (`apt-get install ... && rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`, `npm ci && npm cache clean --force`), or use a cache mount (`RUN --mount=type=cache`).",
  needs: { paths: RULES.flatMap((rule) => rule.globs) },
  run({ image, report }) {
    for (const rule of RULES) {
      const folders = new Map<string, { count: number; bytes: number; layer: number }>();
      for (const file of image.files.walk(rule.globs, { types: ["file"] })) {
        if (APT_BOOKKEEPING.test(file.path) || !matchAny(rule.globs, file.path)) continue;
        const folder = rule.folder.exec(file.path)?.[0] ?? file.path;
        const totals = folders.get(folder) ?? { count: 0, bytes: 0, layer: file.layer };
        totals.count++;
        totals.bytes += file.size;
        totals.layer = Math.max(totals.layer, file.layer);
        folders.set(folder, totals);
      }

      for (const [folder, totals] of folders) {
        report({
          messageId: "packageCache",
          path: folder,
          layer: totals.layer,
          data: { cache: rule.cache, path: folder, count: totals.count, size: Math.ceil(totals.bytes / 1024), remove: rule.remove },
        });
      }
    }
  },
});
