import { FileIndex, resolveLinkTarget, type FileRecord, type ImageData } from "@checks/sdk";
import { INVENTORY_LIMITS } from "./limits.js";

/** Read access to the merged files of an image, for the parsers. */
export class InventorySource {
  readonly index: FileIndex;
  readonly notes: string[] = [];

  constructor(image: ImageData | FileIndex) {
    this.index = image instanceof FileIndex ? image : new FileIndex(image);
  }

  get data(): ImageData {
    return this.index.data;
  }

  get paths(): readonly string[] {
    return this.index.sortedPaths;
  }

  lookup(path: string): FileRecord | undefined {
    return this.index.lookup(path);
  }

  /**
   * Resolves symlinks in every component of `path` inside the image root and
   * returns the record it names, or undefined when it is missing or a loop.
   */
  resolve(path: string): FileRecord | undefined {
    let pending = path.split("/").filter(Boolean);
    let resolved = "";
    let hops = 0;
    while (pending.length > 0) {
      const candidate = `${resolved}/${pending.shift()}`;
      const record = this.index.lookup(candidate);
      if (!record) {
        // Layer tars may omit parent folders; a missing folder is only fatal for the last component.
        if (pending.length === 0) return undefined;
        resolved = candidate;
        continue;
      }
      if (record.type !== "symlink") {
        resolved = candidate;
        continue;
      }
      if (++hops > INVENTORY_LIMITS.maxSymlinkHops) {
        this.notes.push(`${path}: more than ${INVENTORY_LIMITS.maxSymlinkHops} symlinks while resolving; skipped.`);
        return undefined;
      }
      pending = [...resolveLinkTarget(candidate, record.linkTarget ?? "").split("/").filter(Boolean), ...pending];
      resolved = "";
    }
    return this.index.lookup(resolved || "/");
  }

  /**
   * Returns the content of a regular file, or undefined with a note when the
   * engine did not collect it. A truncated file gets a note too.
   */
  content(record: FileRecord): Uint8Array | undefined {
    if (record.type !== "file") return undefined;
    if (record.content === undefined) {
      if (record.size === 0) return new Uint8Array(0);
      this.notes.push(`${record.path}: content was not collected; its packages are not listed.`);
      return undefined;
    }
    if (record.contentTruncated) {
      this.notes.push(`${record.path}: content was truncated at ${record.content.length} bytes; packages past that point are not listed.`);
    }
    return record.content;
  }
}

const decoder = new TextDecoder("utf-8", { fatal: false });

export function decodeText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}
