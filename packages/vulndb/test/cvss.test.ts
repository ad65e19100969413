import { describe, expect, it } from "vitest";
import { cvss2BaseScore, cvss3BaseScore, ratingOf } from "../src/index.js";

// Scores as published by NVD for these vectors.
describe("cvss3BaseScore", () => {
  it.each([
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8],
    ["CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 7.2],
    ["CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N", 6.1],
    ["CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10],
    ["CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1],
    ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0],
  ])("%s scores %d", (vector, score) => {
    expect(cvss3BaseScore(vector)).toBe(score);
  });

  it("rejects a vector without scope", () => {
    expect(cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H")).toBeUndefined();
  });

  it("rejects inherited property names as values", () => {
    expect(cvss3BaseScore("CVSS:3.1/AV:constructor/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).toBeUndefined();
    expect(cvss3BaseScore("CVSS:3.1/AV:N/AC:L/PR:toString/UI:N/S:U/C:H/I:H/A:H")).toBeUndefined();
  });
});

describe("cvss2BaseScore", () => {
  it.each([
    ["AV:N/AC:L/Au:N/C:C/I:C/A:C", 10],
    ["AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5],
    ["AV:N/AC:M/Au:N/C:N/I:P/A:N", 4.3],
  ])("%s scores %d", (vector, score) => {
    expect(cvss2BaseScore(vector)).toBe(score);
  });

  it("rejects an incomplete vector", () => {
    expect(cvss2BaseScore("AV:N/AC:L")).toBeUndefined();
  });
});

describe("ratingOf", () => {
  it.each([
    [0, "low"],
    [3.9, "low"],
    [4, "medium"],
    [6.9, "medium"],
    [7, "high"],
    [8.9, "high"],
    [9, "critical"],
  ])("%d is %s", (score, rating) => {
    expect(ratingOf(score)).toBe(rating);
  });
});
