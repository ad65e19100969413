/** A package as a database parser reads it, before purl and layer are added. */
export interface ParsedPackage {
  name: string;
  /** The full version, including an epoch where the format has one (`1:1.2.13.dfsg-1`). */
  version: string;
  architecture?: string;
  sourceName?: string;
  sourceVersion?: string;
  licenses?: string[];
  /** rpm epoch, kept apart because rpm purls carry it as a qualifier. */
  epoch?: string;
}

export interface ParseResult {
  packages: ParsedPackage[];
  notes: string[];
}
