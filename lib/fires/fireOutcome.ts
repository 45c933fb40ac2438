import type { FireOutcome, RunError, RunStatus } from '../../db/entities/index.ts';
import type { OverlapPolicy } from '../../db/entities/JobSchedule.ts';
import { MAX_INSTANCES_ERROR, PAUSED_BEFORE_FIRE_ERROR } from '../../workflows/names.ts';

/** The largest delay both databases store in an `int` column (about 24.8 days). */
const MAX_DELAY_MS = 2_147_483_647;

/** A run of the job, as much of it as deciding a fire needs. */
export interface LedgerRun {
  run_id: number;
  workflow_id: string;
  status: RunStatus;
  scheduled_for: Date | null;
  /** When Temporal started the workflow. */
  enqueued_at: Date;
  /** When the run began its work (the recorder's RUNNING); for a run started ahead, after waiting for its fire time. */
  started_at?: Date | null;
  finished_at: Date | null;
  error: RunError | null;
}

/** What the schedule says about itself now (describe()) and what the ledger already holds. */
export interface ScheduleFacts {
  overlap: OverlapPolicy;
  catchupWindowS: number;
  /** Since when the schedule has been paused without a break, or null when it runs. */
  pausedSince: Date | null;
  pauseNote: string | null;
  /** Actions the server took, by the fire time they were for. */
  recentActions: { scheduledAt: Date; takenAt: Date; workflowId: string }[];
  /** The schedule has used up its remaining_actions: the server takes no further scheduled action. */
  noRemainingActions: boolean;
  /** Fires the server counted as missed (numActionsMissedCatchupWindow) that the ledger has not yet recorded as missed_catchup. */
  unrecordedMissedCatchup: number;
}

export interface FireDecision {
  nominal_time: Date;
  outcome: FireOutcome;
  reason: string | null;
  delay_ms: number | null;
  run_id: number | null;
}

export interface DecideOptions {
  now: Date;
  /** A fire younger than this may still start (a slow server, a visibility lag): it waits for a later pass. */
  graceMs: number;
  /** The fire time just before the first of `times` (the last one settled), which bounds the run matched to the first. */
  previousTime: Date | null;
}

/**
 * Settles fire times oldest first and stops at the first one that cannot be settled yet, so the ledger never has a gap
 * behind its newest record. Pure: README "The fire ledger" describes each rule in this order.
 */
export function decideFires(times: Date[], runs: LedgerRun[], facts: ScheduleFacts, options: DecideOptions): FireDecision[] {
  const decisions: FireDecision[] = [];
  let missedBudget = facts.unrecordedMissedCatchup;
  let previous = options.previousTime;
  for (const time of times) {
    const decision = decideFire(time, previous, runs, facts, options, missedBudget);
    if (!decision) break;
    if (decision.outcome === 'missed_catchup') missedBudget -= 1;
    decisions.push(decision);
    previous = time;
  }
  return decisions;
}

function decideFire(time: Date, previous: Date | null, runs: LedgerRun[], facts: ScheduleFacts, options: DecideOptions, missedBudget: number): FireDecision | undefined {
  const at = time.getTime();
  const settled = at <= options.now.getTime() - options.graceMs;
  // The run for exactly this time; else (with jitter the server lists jittered times and the run carries the nominal one) the run after the previous fire.
  const scheduled = runs.filter((candidate) => isScheduledRun(candidate) && candidate.scheduled_for !== null);
  const run =
    scheduled.find((candidate) => candidate.scheduled_for!.getTime() === at) ??
    scheduled.find((candidate) => candidate.scheduled_for!.getTime() <= at && (previous === null || candidate.scheduled_for!.getTime() > previous.getTime()));
  if (run) {
    const began = beganAt(run, at);
    // Started ahead and not yet at work (no worker took it): its delay is known once it begins, or unknown past the grace.
    if (began === undefined && !settled) return undefined;
    const delay = began === undefined ? null : Math.min(MAX_DELAY_MS, Math.max(0, began - at));
    if (run.error?.type === MAX_INSTANCES_ERROR) return { nominal_time: time, outcome: 'skipped_max_instances', reason: run.error.message, delay_ms: delay, run_id: run.run_id };
    // Started ahead, then its job was paused (or deleted) before the fire time: the fire did not run.
    if (run.error?.type === PAUSED_BEFORE_FIRE_ERROR) return { nominal_time: time, outcome: 'paused', reason: run.error.message, delay_ms: null, run_id: run.run_id };
    return { nominal_time: time, outcome: 'started', reason: null, delay_ms: delay, run_id: run.run_id };
  }
  // Temporal drops every fire of a paused schedule at once: no grace to wait for.
  if (facts.pausedSince && at >= facts.pausedSince.getTime()) return { nominal_time: time, outcome: 'paused', reason: `the schedule was paused${facts.pauseNote ? `: ${facts.pauseNote}` : ''}`, delay_ms: null, run_id: null };
  if (!settled) return undefined;
  const action = facts.recentActions.find((candidate) => candidate.scheduledAt.getTime() <= at && (previous === null || candidate.scheduledAt.getTime() > previous.getTime()));
  // The server started it but no run row exists yet: the watcher or the recorder writes one soon.
  if (action) return undefined;
  // Temporal's overlap policy weighs only the runs its schedule started.
  const running = runs.find((candidate) => isScheduledRun(candidate) && candidate.enqueued_at.getTime() <= at && (candidate.finished_at === null || candidate.finished_at.getTime() > at));
  if (running) {
    // A buffering policy may still start this fire once that run has ended (and the grace after it has passed).
    const buffering = facts.overlap === 'buffer_one' || facts.overlap === 'buffer_all';
    if (buffering && (running.finished_at === null || running.finished_at.getTime() > options.now.getTime() - options.graceMs)) return undefined;
    return { nominal_time: time, outcome: 'skipped_overlap', reason: `run ${running.run_id} (${running.workflow_id}) was still going; overlap policy ${facts.overlap}`, delay_ms: null, run_id: null };
  }
  if (missedBudget > 0) {
    return { nominal_time: time, outcome: 'missed_catchup', reason: `the server reached this fire after its catch-up window of ${facts.catchupWindowS} s had passed`, delay_ms: null, run_id: null };
  }
  const why = facts.noRemainingActions ? ' (the schedule had used up its remaining_actions)' : '';
  return { nominal_time: time, outcome: 'not_started', reason: `the server took no action for this fire within ${Math.round(options.graceMs / 1000)} s${why}`, delay_ms: null, run_id: null };
}

/** When a run began for its fire: the workflow's start, or for one started ahead of the fire, when it began its work. */
function beganAt(run: LedgerRun, at: number): number | undefined {
  if (run.enqueued_at.getTime() >= at) return run.enqueued_at.getTime();
  return run.started_at ? run.started_at.getTime() : undefined;
}

/** A run the schedule started (or a backfill of it), not a manual trigger: those are no fire of the spec. */
function isScheduledRun(run: LedgerRun): boolean {
  return !run.workflow_id.includes('-manual-');
}
