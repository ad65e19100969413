/**
 * CVSS base scores from vector strings, for the severity of an advisory.
 * Formulas: CVSS v3.1 specification section 7 (also used for v3.0 vectors)
 * and CVSS v2 guide section 3.2.1.
 */

export type SeverityRating = "low" | "medium" | "high" | "critical";

const V3_WEIGHTS: Record<string, Record<string, number>> = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
  I: { H: 0.56, L: 0.22, N: 0 },
  A: { H: 0.56, L: 0.22, N: 0 },
};

const V2_WEIGHTS: Record<string, Record<string, number>> = {
  AV: { L: 0.395, A: 0.646, N: 1 },
  AC: { H: 0.35, M: 0.61, L: 0.71 },
  Au: { M: 0.45, S: 0.56, N: 0.704 },
  C: { N: 0, P: 0.275, C: 0.66 },
  I: { N: 0, P: 0.275, C: 0.66 },
  A: { N: 0, P: 0.275, C: 0.66 },
};

/** Looks a metric value up in a weight table; inherited names such as `constructor` are not values. */
function weightOf(table: Record<string, Record<string, number>>, metric: string, value: string | undefined): number | undefined {
  const weights = table[metric];
  if (!weights || value === undefined || !Object.hasOwn(weights, value)) return undefined;
  return weights[value];
}

function parseMetrics(vector: string): Map<string, string> {
  const metrics = new Map<string, string>();
  for (const part of vector.split("/")) {
    const [key, value] = part.split(":");
    if (key && value) metrics.set(key, value);
  }
  return metrics;
}

/** Rounds up to one decimal as CVSS v3.1 Appendix A defines it, avoiding floating-point artefacts. */
function roundUp(value: number): number {
  const scaled = Math.round(value * 100000);
  if (scaled % 10000 === 0) return scaled / 100000;
  return (Math.floor(scaled / 10000) + 1) / 10;
}

/** Base score of a `CVSS:3.x/AV:N/...` vector, or undefined when a base metric is missing or invalid. */
export function cvss3BaseScore(vector: string): number | undefined {
  if (!/^CVSS:3\.[01]\//.test(vector)) return undefined;
  const metrics = parseMetrics(vector);
  const scope = metrics.get("S");
  if (scope !== "U" && scope !== "C") return undefined;
  const weight = (name: string): number | undefined => weightOf(V3_WEIGHTS, name, metrics.get(name));
  const privileges = weightOf({ PR: { N: 0.85, L: scope === "C" ? 0.68 : 0.62, H: scope === "C" ? 0.5 : 0.27 } }, "PR", metrics.get("PR"));
  const [av, ac, ui, c, i, a] = ["AV", "AC", "UI", "C", "I", "A"].map(weight);
  if (av === undefined || ac === undefined || ui === undefined || c === undefined || i === undefined || a === undefined || privileges === undefined) {
    return undefined;
  }

  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === "U" ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * av * ac * privileges * ui;
  if (impact <= 0) return 0;
  return scope === "U" ? roundUp(Math.min(impact + exploitability, 10)) : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

/** Base score of a CVSS v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P`), or undefined when a base metric is missing. */
export function cvss2BaseScore(vector: string): number | undefined {
  const metrics = parseMetrics(vector.replace(/^\(|\)$/g, ""));
  const weight = (name: string): number | undefined => weightOf(V2_WEIGHTS, name, metrics.get(name));
  const [av, ac, au, c, i, a] = ["AV", "AC", "Au", "C", "I", "A"].map(weight);
  if (av === undefined || ac === undefined || au === undefined || c === undefined || i === undefined || a === undefined) return undefined;

  const impact = 10.41 * (1 - (1 - c) * (1 - i) * (1 - a));
  const exploitability = 20 * av * ac * au;
  const factor = impact === 0 ? 0 : 1.176;
  return Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * factor * 10) / 10;
}

/** Qualitative rating of a base score (CVSS v3.1 section 5); a score of 0.0 ("none") is rated low. */
export function ratingOf(score: number): SeverityRating {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  return "low";
}

/** Maps a distribution's or database's severity word (Ubuntu priorities, GitHub ratings) to a rating. */
export function ratingFromWord(word: string): SeverityRating | undefined {
  switch (word.trim().toLowerCase()) {
    case "negligible":
    case "unimportant":
    case "low":
      return "low";
    case "medium":
    case "moderate":
      return "medium";
    case "high":
    case "important":
      return "high";
    case "critical":
      return "critical";
    default:
      return undefined;
  }
}
