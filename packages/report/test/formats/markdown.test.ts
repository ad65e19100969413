import { describe, expect, it } from "vitest";
import { escapeMarkdown, formatReport } from "../../src/index.js";
import { suppressedReport } from "../fixture.js";

describe("Markdown format", () => {
  const markdown = formatReport(suppressedReport(), "markdown", { color: false });

  it("starts with a summary and a table per image", () => {
    expect(markdown.startsWith("### checks: 7 findings in 3 images\n")).toBe(true);
    expect(markdown).toContain("| Image | Critical | High | Medium | Low | Info | Suppressed | Errors |");
    expect(markdown).toContain("| alpine-rootfs/ | 0 | 1 | 0 | 0 | 0 | 2 | 1 |");
    expect(markdown).toContain("| broken.tar | 0 | 0 | 0 | 0 | 0 | 0 | 1 |");
  });

  it("puts each image's details in a collapsed block", () => {
    expect(markdown.match(/<details>/g)).toHaveLength(3);
    expect(markdown).toContain("<summary>broken.tar: could not be scanned</summary>");
    expect(markdown).toContain("**How to fix**");
  });

  it("keeps every table row at its column count", () => {
    for (const line of markdown.split("\n").filter((row) => row.startsWith("| "))) {
      const cells = line.split("|").length - 2;
      expect([5, 8]).toContain(cells);
    }
  });

  it("escapes markup, pipes, mentions and control characters", () => {
    expect(markdown).not.toContain("<script>");
    expect(markdown).not.toContain("<img");
    expect(markdown).not.toContain("[click]");
    expect(markdown).not.toContain("@everyone");
    expect(markdown).not.toContain("\u001b");
    expect(markdown).toContain("a &#124; b &#124;&#124; c");
  });

  it("lists expired and unused ignore rules", () => {
    expect(markdown).toContain("- Expired: rules&#91;2&#93; (patched in the next base image) expired 2026-01-01, it would match 1 finding");
    expect(markdown).toContain("- Unused: rules&#91;3&#93;");
  });

  it.each([
    ["|", "&#124;"],
    ["<b>", "&#60;b&#62;"],
    ["@user", "&#64;&#8203;user"],
    ["`code`", "&#96;code&#96;"],
    ["a\nb", "a&#92;nb"],
    ["$x$", "&#36;x&#36;"],
  ])("escapes %j", (input, output) => {
    expect(escapeMarkdown(input)).toBe(output);
  });
});

describe("Markdown size limit", () => {
  it("stops listing rows at the limit and counts the rest", () => {
    const report = suppressedReport();
    const image = report.images[1]!;
    const template = image.findings[0]!;
    image.findings = Array.from({ length: 2000 }, (_, index) => ({ ...template, path: `/bin/tool-${index}`, message: `Setuid file number ${index} ${"x".repeat(40)}` }));
    const markdown = formatReport(report, "markdown", { color: false });
    expect(markdown.length).toBeLessThan(65_536);
    const listed = markdown.split("\n").filter((line) => line.startsWith("| High | ")).length;
    expect(listed).toBeGreaterThan(100);
    expect(listed).toBeLessThan(2003);
    expect(markdown).toContain(`${2000 + 3 - listed} more findings not listed`);
  });
});
