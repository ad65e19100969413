import { defineCheck, parentPath } from "@checks/sdk";

const PASSWD = "/etc/passwd";
const GROUP = "/etc/group";

/** Returns the numeric ids in the third field of passwd or group lines, skipping comments and malformed lines. */
function idsOf(text: string): Set<number> {
  const ids = new Set<number>();
  for (const line of text.split("\n")) {
    const fields = line.split(":");
    if (line.startsWith("#") || fields.length < 3 || !/^\d+$/.test(fields[2]!)) continue;
    ids.add(Number(fields[2]));
  }
  return ids;
}

interface OwnerRun {
  readonly path: string;
  readonly id: number;
  readonly layer: number;
  count: number;
}

/**
 * Groups entries with an unknown owner into runs. An entry inside a directory
 * already reported for the same id is counted there instead of reported again,
 * so an unpacked tree owned by a build user yields one finding, not thousands.
 */
function collectRuns(entries: readonly { path: string; layer: number }[], idOf: (index: number) => number | undefined): OwnerRun[] {
  const runs: OwnerRun[] = [];
  const runByPath = new Map<string, OwnerRun>();
  entries.forEach((entry, index) => {
    const id = idOf(index);
    if (id === undefined) return;
    for (let parent = parentPath(entry.path); ; parent = parentPath(parent)) {
      const enclosing = runByPath.get(parent);
      if (enclosing?.id === id) {
        enclosing.count++;
        return;
      }
      if (parent === "/") break;
    }
    const run: OwnerRun = { path: entry.path, id, layer: entry.layer, count: 1 };
    runs.push(run);
    runByPath.set(entry.path, run);
  });
  return runs;
}

export const unknownOwners = defineCheck({
  id: "unknown-owners",
  title: "Files owned by unknown users or groups",
  description:
    "Files whose owner uid or group gid has no entry in /etc/passwd or /etc/group, typically left by `COPY` or an archive from the build machine. Any account that later gets that id owns the files.",
  level: "low",
  tags: ["security", "permissions"],
  messages: {
    unknownUser: { text: "{{path}} is owned by uid {{uid}}, which has no account in /etc/passwd ({{count}} entries)", severity: "low" },
    unknownGroup: { text: "{{path}} has group gid {{gid}}, which has no entry in /etc/group ({{count}} entries)", severity: "low" },
  },
  remediation:
    "Set the owner when copying (`COPY --chown=USER:GROUP`, `tar --no-same-owner`) or create the account or group the files belong to.",
  needs: { paths: ["/**"], content: [PASSWD, GROUP], maxBytes: 1024 * 1024 },
  run({ image, report, note }) {
    const entries = image.files.walk("/**");
    const passwd = image.files.readText(PASSWD);
    const group = image.files.readText(GROUP);

    if (passwd === undefined) note(`${PASSWD} is missing; file owners were not checked.`);
    else {
      const uids = idsOf(passwd);
      const runs = collectRuns(entries, (index) => (uids.has(entries[index]!.uid) ? undefined : entries[index]!.uid));
      for (const run of runs) {
        report({ messageId: "unknownUser", path: run.path, layer: run.layer, data: { path: run.path, uid: run.id, count: run.count } });
      }
    }

    if (group === undefined) note(`${GROUP} is missing; file groups were not checked.`);
    else {
      const gids = idsOf(group);
      const runs = collectRuns(entries, (index) => (gids.has(entries[index]!.gid) ? undefined : entries[index]!.gid));
      for (const run of runs) {
        report({ messageId: "unknownGroup", path: run.path, layer: run.layer, data: { path: run.path, gid: run.id, count: run.count } });
      }
    }
  },
});
