import { compileGlob, defineCheck, isSetgid, isSetuid, matchAny } from "@checks/sdk";
import { z } from "zod/mini";
import { OS_RELEASE_PATHS, canonicalSystemPath, distributionOf } from "./distribution.js";
import { specialBitTable } from "./special-bits-table.js";

function isValidGlob(pattern: string): boolean {
  try {
    compileGlob(pattern);
    return true;
  } catch {
    return false;
  }
}

export const setuidFiles = defineCheck({
  id: "setuid-files",
  title: "Setuid and setgid files",
  description:
    "Files with the setuid or setgid bit. Those the detected distribution ships that way are listed at low severity; any other, for example under /usr/local, /opt, /home or /tmp, is high.",
  level: "high",
  tags: ["security", "permissions"],
  messages: {
    expectedSetuid: {
      text: "{{path}} is {{bits}} (owner uid {{uid}}), as {{distribution}} ships it",
      severity: "low",
    },
    unexpectedSetuid: {
      text: "{{path}} is {{bits}} (owner uid {{uid}}) but is not a file {{distribution}} ships with that bit",
      severity: "high",
    },
  },
  remediation:
    "Remove the bit with `chmod u-s,g-s FILE` in the build step that creates the file, or remove the file. A program that needs a privilege is better given one file capability than setuid root.",
  needs: { paths: ["/**"], content: OS_RELEASE_PATHS, maxBytes: 64 * 1024 },
  options: z.object({
    /** Globs of further files to treat as expected, for example a site's own setuid helper. */
    allow: z._default(
      z.array(z.string().check(z.refine(isValidGlob, { message: 'Invalid path glob; use an absolute glob such as "/opt/site/bin/*"' }))),
      [],
    ),
  }),
  run({ image, options, report, note }) {
    const distribution = distributionOf(image);
    if (distribution.family === undefined) {
      note(`No known distribution family in os-release (${distribution.name}); files of every known family count as expected.`);
    }
    const table = specialBitTable(distribution.family);

    for (const file of image.files.walk("/**", { types: ["file"] })) {
      const setuid = isSetuid(file);
      const setgid = isSetgid(file);
      if (!setuid && !setgid) continue;

      const canonical = canonicalSystemPath(file.path);
      // Setgid on a file the table lists as setuid also counts as expected: families differ in
      // which bit they use (crontab is setgid on Debian, setuid on RHEL), and setgid grants less.
      const expected =
        matchAny(options.allow, file.path) ||
        ((!setuid || table.setuid.has(canonical)) && (!setgid || table.setgid.has(canonical) || table.setuid.has(canonical)));
      const bits = setuid && setgid ? "setuid and setgid" : setuid ? "setuid" : "setgid";
      const data = { path: file.path, bits, uid: file.uid, distribution: distribution.name };
      report({ messageId: expected ? "expectedSetuid" : "unexpectedSetuid", path: file.path, layer: file.layer, data });
    }
  },
});
