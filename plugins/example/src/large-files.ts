import { defineCheck } from "@checks/sdk";
import { z } from "zod/mini";

export const largeFiles = defineCheck({
  id: "large-files",
  title: "Large files",
  description: "Regular files above a size threshold, which bloat the image and often are leftovers such as core dumps or archives.",
  level: "low",
  tags: ["clean"],
  messages: {
    largeFile: { text: "{{path}} is {{sizeMb}} MB, above the {{thresholdMb}} MB threshold", severity: "info" },
  },
  remediation: "Delete the file in the same build step that created it, or add it to the ignore file if it belongs in the image.",
  needs: { paths: ["/**"] },
  options: z.object({
    thresholdMb: z._default(z.number().check(z.positive()), 100),
  }),
  run({ image, options, report }) {
    const threshold = options.thresholdMb * 1024 * 1024;
    for (const file of image.files.walk("/**", { types: ["file"] })) {
      if (file.size <= threshold) continue;
      report({
        messageId: "largeFile",
        path: file.path,
        data: { path: file.path, sizeMb: (file.size / 1024 / 1024).toFixed(1), thresholdMb: options.thresholdMb },
      });
    }
  },
});
