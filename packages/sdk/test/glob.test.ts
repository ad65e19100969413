import { describe, expect, it } from "vitest";
import { GlobSyntaxError, compileGlob, matchGlob } from "../src/glob.js";

describe("matchGlob", () => {
  it.each([
    ["/etc/passwd", "/etc/passwd", true],
    ["/etc/passwd", "/etc/passwd-", false],
    ["/etc/*", "/etc/shadow", true],
    ["/etc/*", "/etc/ssh/sshd_config", false],
    ["/etc/**", "/etc/ssh/sshd_config", true],
    ["/etc/**", "/etc", true],
    ["/home/*/.ssh/**", "/home/ann/.ssh/id_rsa", true],
    ["/home/*/.ssh/**", "/home/ann/x/.ssh/id_rsa", false],
    ["**/.git/config", "/srv/app/.git/config", true],
    ["**/.git/config", "/.git/config", true],
    ["/**/*.pem", "/a/b/c.pem", true],
    ["/**/*.pem", "/c.pem", true],
    ["/root/.{bash,zsh}_history", "/root/.zsh_history", true],
    ["/root/.{bash,zsh}_history", "/root/.fish_history", false],
    ["/var/log/*.[0-9]", "/var/log/syslog.1", true],
    ["/var/log/*.[!0-9]", "/var/log/syslog.1", false],
    ["/tmp/?", "/tmp/a", true],
    ["/tmp/?", "/tmp/ab", false],
    ["/a.b", "/aXb", false],
    ["/*", "/.hidden", true],
  ])("%s against %s gives %s", (pattern, path, expected) => {
    expect(matchGlob(pattern, path)).toBe(expected);
  });

  it.each([
    ["", "empty"],
    ["etc/passwd", "absolute"],
    ["/etc/**x", "whole path segment"],
    ["/etc/[abc", 'closing "]"'],
    ["/etc/{a,b", 'closing "}"'],
  ])("rejects %j", (pattern, reason) => {
    expect(() => compileGlob(pattern)).toThrow(GlobSyntaxError);
    expect(() => compileGlob(pattern)).toThrow(reason);
  });
});
