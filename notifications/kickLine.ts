/**
 * One kick at a time per process, and never a kick lost: a caller that arrives while a kick is in flight may have
 * committed its row after that kick was sent, so one more kick follows the one in flight, shared by every caller that
 * arrived meanwhile. Many notifications queued at once thus cost two kicks, not one each (signal RPCs and workflow
 * tasks on the delivery run), and each caller's row is seen by a delivery round that starts after its kick.
 */
export class KickLine {
  readonly #send: () => Promise<boolean>;
  #inFlight: Promise<boolean> | undefined;
  #next: Promise<boolean> | undefined;

  constructor(send: () => Promise<boolean>) {
    this.#send = send;
  }

  kick(): Promise<boolean> {
    if (this.#inFlight) {
      // After the kick in flight, whether it was sent or failed: a failed send must not strand the callers behind it.
      this.#next ??= this.#inFlight.catch(() => false).then(() => {
        this.#next = undefined;
        return this.kick();
      });
      return this.#next;
    }
    this.#inFlight = this.#send().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }
}
