import { failureLogger } from "../../src/log/env-logger.js";
import { errorFields } from "../../src/log/error-fields.js";

/** How long after an admission the durable backstop alarm fires if nothing drained first. */
const BACKSTOP_MS = 1000;

/**
 * When an agent drains its inbox: one drain at a time (the running drain is the per-agent
 * queue), started on the next tick after admissions so those that arrive together commit
 * together, with a durable alarm a second ahead as the backstop after an eviction. Every
 * flag here is a cache an eviction may drop, which only re-arms or re-drains.
 *
 * @example
 * const schedule = new DrainSchedule(ctx.storage, () => drainInbox(host));
 * schedule.armAlarm();
 * schedule.soon();
 */
export class DrainSchedule {
  readonly #storage: DurableObjectStorage;
  readonly #drain: () => Promise<void>;
  #running?: Promise<void>;
  #scheduled = false;
  /** An alarm is known to be pending. */
  #alarmArmed = false;

  constructor(storage: DurableObjectStorage, drain: () => Promise<void>) {
    this.#storage = storage;
    this.#drain = drain;
  }

  /** Arms the backstop alarm, once while one is pending. */
  armAlarm(): void {
    if (this.#alarmArmed) return;
    this.#alarmArmed = true;
    this.#storage.setAlarm(Date.now() + BACKSTOP_MS).catch((err: unknown) => {
      this.#alarmArmed = false;
      failureLogger.log("error", "set_alarm_failed", errorFields(err));
    });
  }

  /** Notes that the alarm fired (a new one may be armed). */
  alarmFired(): void {
    this.#alarmArmed = false;
  }

  /**
   * Drains on the next tick rather than inside the admitting call, so admissions that
   * arrive together are committed together and each 202 leaves without waiting for them.
   */
  soon(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      this.now().catch((err: unknown) =>
        failureLogger.log("error", "drain_failed", errorFields(err)),
      );
    }, 0);
  }

  /** There is work: arms the backstop alarm, then drains on the next tick ({@link soon}). */
  wake(): void {
    this.armAlarm();
    this.soon();
  }

  /** Drains now, or joins the drain already running. */
  now(): Promise<void> {
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Resolves once no drain runs (a drain started meanwhile is waited for too). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }
}
