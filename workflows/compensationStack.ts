// The saga's bookkeeping, free of the workflow API so that it is unit-tested outside a workflow.

/** One compensation that ran: what the JobRun shows about a rolled-back run. */
export interface CompensationRecord {
  step: string;
  status: 'compensated' | 'failed';
  error?: string;
}

/** The idempotency key of a step's compensation: the same on every replay, retry and worker. */
export function compensationKey(workflowId: string, step: string): string {
  return `${workflowId}/${step}/compensate`;
}

/** The messages of an error and its causes (ten at most: causes can form a cycle); "Activity task failed" alone says little. */
export function describeError(error: unknown): string {
  const messages: string[] = [];
  for (let cause = error; cause !== undefined && messages.length < 10; cause = cause instanceof Error ? cause.cause : undefined) {
    messages.push(cause instanceof Error ? cause.message : messageOf(cause));
  }
  return messages.join(': ');
}

/** A thrown non-Error in words; never throws itself, since it runs while compensating. */
function messageOf(thrown: unknown): string {
  switch (typeof thrown) {
    case 'string':
      return thrown;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'symbol':
      return thrown.toString();
    case 'undefined':
      return 'undefined';
    default:
      return Object.prototype.toString.call(thrown);
  }
}

/** Step names claimed so far and the undos of the steps that succeeded, unwound newest first, once. */
export class CompensationStack {
  readonly #claimed = new Set<string>();
  readonly #undos: { step: string; undo: () => Promise<unknown> }[] = [];
  #unwound = false;

  /** Reserves a step name before its action runs: a repeated name would share an idempotency key. */
  claim(step: string): void {
    if (this.#unwound) throw new Error(`saga step "${step}" started after the saga was compensated: its compensation would never run`);
    if (this.#claimed.has(step)) throw new Error(`saga step "${step}" is already used in this saga: step names must be unique`);
    this.#claimed.add(step);
  }

  push(step: string, undo: () => Promise<unknown>): void {
    this.#undos.push({ step, undo });
  }

  /** Runs every registered undo, newest first; a failing one is recorded and the rest still run. */
  async unwind(): Promise<CompensationRecord[]> {
    this.#unwound = true;
    const records: CompensationRecord[] = [];
    for (let entry = this.#undos.pop(); entry !== undefined; entry = this.#undos.pop()) {
      try {
        await entry.undo();
        records.push({ step: entry.step, status: 'compensated' });
      } catch (error) {
        records.push({ step: entry.step, status: 'failed', error: describeError(error) });
      }
    }
    return records;
  }
}
