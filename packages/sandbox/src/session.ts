import type { ChildProcess } from "node:child_process";
import type { HostMessage, PluginRequest, RunnerMessage } from "./protocol.js";
import { RunnerMessageSchema } from "./protocol.js";
import { startRunner } from "./launch.js";
import type { SandboxEvent } from "./types.js";

/** Time a new runner has to report that it is ready. */
const READY_TIMEOUT_MS = 20_000;
/** Bytes of the runner's stderr kept for error messages. */
const STDERR_TAIL_BYTES = 4096;

export type PluginRunOutcome =
  | { kind: "result"; message: Extract<RunnerMessage, { type: "plugin-result" }> }
  | { kind: "crashed"; checkId?: string; reason: string }
  | { kind: "timeout"; checkId?: string }
  | { kind: "not-run" };

/** A plugin sent to the runner whose result has not arrived. */
interface InFlight {
  pluginIndex: number;
  plugin: string;
  timeoutMs: number;
  resolve: (outcome: PluginRunOutcome) => void;
  /** Check the runner reported last for this plugin. */
  current?: string;
  timer?: ReturnType<typeof setTimeout>;
}

export class RunnerStartError extends Error {
  readonly code = "RUNNER_START_FAILED";
}

/** The runner could not open or read the image; `imageCode` is the reader's error code. */
export class ImageReadError extends Error {
  readonly code = "IMAGE_UNREADABLE";
  constructor(
    readonly imageCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** One runner process: started with the image, then given plugins, which it runs one at a time. */
export class RunnerSession {
  private exited = false;
  /** Set when the IPC channel failed or the runner sent an invalid message: the session takes no more plugins. */
  private broken = false;
  private stderrTail = "";
  private listener: ((message: RunnerMessage) => void) | undefined;
  private exitListener: ((reason: string) => void) | undefined;
  private readonly inFlight: InFlight[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly inNamespace: boolean,
    readonly ready: Extract<RunnerMessage, { type: "ready" }>,
    private readonly emit: (event: SandboxEvent) => void,
  ) {
    child.on("message", (raw) => this.receive(raw));
    // Sending to a runner that has just died emits an error event. The exit
    // handler reports the death, so this listener only keeps the event handled.
    child.on("error", () => {});
  }

  get alive(): boolean {
    return !this.exited && !this.broken;
  }

  /**
   * Starts a runner, waits until it is ready and sends it the image: the data
   * itself, or the reference it opens and reads. Throws RunnerStartError, or
   * ImageReadError when the runner cannot read the image.
   */
  static async start(
    readablePaths: readonly string[],
    isolateNetwork: boolean,
    image: HostMessage,
    imageReadMs: number,
    emit: (event: SandboxEvent) => void,
  ): Promise<RunnerSession> {
    const { child, inNamespace } = startRunner(readablePaths, isolateNetwork);
    let stderr = "";
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_BYTES);
    });

    const ready = await new Promise<Extract<RunnerMessage, { type: "ready" }>>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new RunnerStartError(`The runner did not report ready within ${READY_TIMEOUT_MS} ms.`));
      }, READY_TIMEOUT_MS);
      child.once("message", (raw) => {
        clearTimeout(timer);
        const parsed = RunnerMessageSchema.safeParse(raw);
        if (parsed.success && parsed.data.type === "ready") resolve(parsed.data);
        else {
          child.kill("SIGKILL");
          reject(new RunnerStartError("The runner sent an invalid first message."));
        }
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(new RunnerStartError(`The runner could not be started: ${error.message}`, { cause: error }));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new RunnerStartError(`The runner exited before it was ready (code ${code}, signal ${signal}): ${stderr.trim()}`));
      });
    });

    const session = new RunnerSession(child, inNamespace, ready, emit);
    session.stderrTail = stderr;
    child.stderr?.removeAllListeners("data");
    child.stderr?.on("data", (chunk: string) => {
      session.stderrTail = (session.stderrTail + chunk).slice(-STDERR_TAIL_BYTES);
    });
    child.removeAllListeners("exit");
    child.on("exit", (code, signal) => {
      session.exited = true;
      emit({ type: "runner-exited", pid: child.pid ?? -1, code, signal, expected: session.exitListener === undefined });
      session.exitListener?.(`The runner exited (code ${code}, signal ${signal}). ${session.stderrTail.trim()}`.trim());
    });
    emit({
      type: "runner-started",
      pid: child.pid ?? -1,
      networkIsolated: session.networkIsolated,
      permissionModel: ready.permissionModel,
      nodeVersion: ready.nodeVersion,
    });
    child.send(image, (error) => {
      // A failed send means the runner died or is dying; its exit is reported by the exit handler.
      if (error) session.broken = true;
    });
    await session.waitForImage(imageReadMs);
    return session;
  }

  private waitForImage(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        fail(new ImageReadError("TIMED_OUT", `Reading the image timed out after ${timeoutMs} ms.`));
        this.child.kill("SIGKILL");
      }, timeoutMs);
      const fail = (error: ImageReadError): void => {
        clearTimeout(timer);
        this.listener = undefined;
        this.exitListener = undefined;
        this.close();
        reject(error);
      };
      this.exitListener = (reason) => fail(new ImageReadError("RUNNER_EXITED", `The runner exited while reading the image. ${reason}`));
      this.listener = (message) => {
        if (message.type === "image-ready") {
          clearTimeout(timer);
          this.listener = undefined;
          this.exitListener = undefined;
          resolve();
        } else if (message.type === "image-failed") {
          fail(new ImageReadError(message.code, message.message));
        }
      };
    });
  }

  /** True when the runner runs in a network namespace whose only interface is loopback. */
  get networkIsolated(): boolean {
    return this.inNamespace && this.ready.interfaces.every((name) => name === "lo");
  }

  /**
   * Sends one plugin and resolves with its result. Several plugins may be in
   * flight, so the runner starts the next one without waiting for the host;
   * it runs them in the order sent. The watchdog of a plugin starts when the
   * runner reports that it began the plugin, and kills the runner after
   * `timeoutMs`. When the runner dies, the plugin it was running gets the
   * crash or timeout and the plugins queued behind it resolve as `not-run`.
   */
  run(request: PluginRequest, timeoutMs: number, plugin: string): Promise<PluginRunOutcome> {
    return new Promise((resolve) => {
      if (!this.alive) {
        resolve({ kind: "not-run" });
        return;
      }
      const entry: InFlight = { pluginIndex: request.pluginIndex, plugin, timeoutMs, resolve };
      this.inFlight.push(entry);
      this.listener = (message) => this.onRunMessage(message);
      this.exitListener = (reason) => this.endAll({ kind: "crashed", reason });
      this.child.send(request, (error) => {
        if (!error) return;
        this.broken = true;
        this.endAll({ kind: "crashed", reason: `The plugin could not be sent to the runner: ${error.message}` });
      });
    });
  }

  private onRunMessage(message: RunnerMessage): void {
    const entry = this.inFlight.find((candidate) => "pluginIndex" in message && candidate.pluginIndex === message.pluginIndex);
    if (!entry) return;
    if (message.type === "plugin-started") {
      entry.timer = setTimeout(() => {
        this.broken = true;
        this.endAll({ kind: "timeout" });
        this.child.kill("SIGKILL");
      }, entry.timeoutMs);
    } else if (message.type === "check-started") {
      entry.current = message.checkId;
      this.emit({ type: "check-started", plugin: entry.plugin, check: message.checkId });
    } else if (message.type === "plugin-result") {
      clearTimeout(entry.timer);
      this.inFlight.splice(this.inFlight.indexOf(entry), 1);
      entry.resolve({ kind: "result", message });
    }
  }

  /**
   * Resolves every plugin in flight after the runner died or was killed: the
   * first one, which the runner was running, with `outcome`, the rest as `not-run`.
   */
  private endAll(outcome: { kind: "crashed"; reason: string } | { kind: "timeout" }): void {
    const entries = this.inFlight.splice(0);
    for (const [position, entry] of entries.entries()) {
      clearTimeout(entry.timer);
      if (position > 0) {
        entry.resolve({ kind: "not-run" });
        continue;
      }
      const running = entry.current === undefined ? {} : { checkId: entry.current };
      entry.resolve({ ...outcome, ...running });
    }
  }

  /** Closes the IPC channel, which ends the runner, and kills it if it is still there after a second. */
  close(): void {
    if (this.exited) return;
    this.exitListener = undefined;
    if (this.child.connected) this.child.disconnect();
    setTimeout(() => {
      if (!this.exited) this.child.kill("SIGKILL");
    }, 1000).unref();
  }

  private receive(raw: unknown): void {
    const parsed = RunnerMessageSchema.safeParse(raw);
    if (!parsed.success) {
      // A runner that sends malformed messages is not trusted further.
      this.broken = true;
      this.child.kill("SIGKILL");
      return;
    }
    this.listener?.(parsed.data);
  }
}
