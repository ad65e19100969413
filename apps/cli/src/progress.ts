import type { EngineEvent } from "@checks/engine";

/**
 * A one-line progress display on standard error: layers read with bytes, then
 * checks finished. Disabled when standard error is not a terminal or with --quiet.
 */
export class Progress {
  private checksDone = 0;
  private checksTotal = 0;
  private images = 0;
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly enabled: boolean) {}

  update(event: EngineEvent): void {
    if (!this.enabled) return;
    switch (event.type) {
      case "selection":
        this.checksTotal = event.selection.selected.length;
        return;
      case "image-started":
        this.images++;
        this.draw(`Reading ${event.image}`);
        return;
      case "read-progress":
        this.draw(`Reading ${event.image}: layer ${event.layer + 1}/${event.layers}, ${formatBytes(event.bytes)}`);
        return;
      case "image-read":
        this.draw(`Read ${event.image}: ${event.files} entries in ${event.layers} layers; running checks`, true);
        return;
      case "check-finished":
        this.checksDone++;
        this.draw(`Checks finished: ${this.checksDone}/${this.checksTotal * this.images} (${event.plugin}/${event.check})`);
        return;
      case "image-finished":
        this.draw(`Scanned ${event.image}: ${event.error ? `error: ${event.error}` : `${event.findings} findings`}`, true);
        return;
    }
  }

  stop(): void {
    if (this.drawn) process.stderr.write("\r\u001b[2K");
  }

  private draw(text: string, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const width = Math.max(20, (process.stderr.columns || 80) - 1);
    process.stderr.write(`\r\u001b[2K${text.length > width ? text.slice(0, width - 1) + "…" : text}`);
    this.drawn = true;
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
