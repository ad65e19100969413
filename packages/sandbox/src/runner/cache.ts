import type ivm from "isolated-vm";
import { FileIndex } from "@checks/sdk";
import type { ImageData } from "@checks/sdk";
import { filterImageData } from "../filter.js";
import type { DeclaredNeeds } from "../filter.js";

/**
 * Work the runner shares between the plugins of one image: the image's file
 * index, one filtered copy per distinct set of declared needs, and V8 code
 * caches of the bootstrap and of each bundle. Plugins with the same needs get
 * equal copies of the same data, so sharing the filtered copy leaks nothing.
 */
export class RunnerCache {
  private index: FileIndex | undefined;
  private readonly filtered = new Map<string, ivm.ExternalCopy<ImageData>>();
  private readonly codeCaches = new Map<string, ivm.ExternalCopy<ArrayBuffer>>();

  constructor(
    private readonly isolatedVm: typeof ivm,
    readonly image: ImageData,
  ) {}

  /** Returns a transferable copy of the image data filtered to `needs`, made once per distinct needs. */
  filteredCopy(needs: readonly DeclaredNeeds[]): ivm.ExternalCopy<ImageData> {
    const key = JSON.stringify(needs.map((entry) => [entry.paths, entry.content, entry.maxBytes, entry.capabilities]));
    let copy = this.filtered.get(key);
    if (!copy) {
      this.index ??= new FileIndex(this.image);
      copy = new this.isolatedVm.ExternalCopy(filterImageData(this.image, needs, this.index));
      this.filtered.set(key, copy);
    }
    return copy;
  }

  /** Compiles a script in the isolate, reusing V8's code cache from an earlier isolate when there is one. */
  compile(isolate: ivm.Isolate, source: string, filename: string): ivm.Script {
    const cached = this.codeCaches.get(source);
    const options = cached ? { filename, cachedData: cached } : { filename, produceCachedData: true };
    const script = isolate.compileScriptSync(source, options) as ivm.Script & ivm.CachedDataResult;
    if (!cached && script.cachedData) this.codeCaches.set(source, script.cachedData);
    return script;
  }
}
