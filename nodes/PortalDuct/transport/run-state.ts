/**
 * What the requests of one node execution share: its options, and the failures that end every
 * later request of the same session identity (a refused login, a PortalDuct that stopped
 * answering). Plus, per identity in the process, the back-off a 429 asked for.
 *
 * Keyed by the n8n context object (`this` of execute, one per node run), so nothing leaks
 * between executions; contexts without a run (hooks, load options) get the defaults.
 */
import { sleep } from 'n8n-workflow';

export interface RunOptions {
	/** Requests in flight at once, 1 to `runLimits.maxConcurrency`. */
	concurrency: number;
	/** How long one request may wait for its answer, in ms. */
	timeoutMs: number;
}

/** Defaults and bounds of the node's Options (the README says why these numbers). */
export const runLimits = {
	defaultConcurrency: 100,
	maxConcurrency: 200,
	defaultTimeoutMs: 30_000,
	minTimeoutMs: 1_000,
	maxTimeoutMs: 300_000,
} as const;

interface RunState {
	options: RunOptions;
	/** identity -> the error every later request of that identity fails with, unsent. */
	ended: Map<string, Error>;
}

const runs = new WeakMap<object, RunState>();

function stateOf(ctx: object): RunState {
	let state = runs.get(ctx);
	if (!state) {
		state = {
			options: { concurrency: runLimits.defaultConcurrency, timeoutMs: runLimits.defaultTimeoutMs },
			ended: new Map(),
		};
		runs.set(ctx, state);
	}
	return state;
}

/** Starts a node run with its options (called once per execute, before any request). */
export function startRun(ctx: object, options: RunOptions): void {
	runs.set(ctx, { options, ended: new Map() });
}

export function runOptions(ctx: object): RunOptions {
	return stateOf(ctx).options;
}

/** From now on, every request of `identity` in this run fails with `error` without being sent. */
export function endRunFor(ctx: object, identity: string, error: Error): void {
	stateOf(ctx).ended.set(identity, error);
}

/** The error that ended this run's requests of `identity`, if one did. */
export function runEndedFor(ctx: object, identity: string): Error | undefined {
	return stateOf(ctx).ended.get(identity);
}

/** identity -> ms since epoch before which no request of it is sent (process-wide). */
const pausedUntil = new Map<string, number>();

/**
 * A 429 slows everyone down: every request of `identity` in this process, in flight or queued,
 * waits out the Retry-After before it is sent again, so a burst does not keep hitting the limit.
 */
export function pauseFor(identity: string, ms: number): void {
	const until = Date.now() + ms;
	if ((pausedUntil.get(identity) ?? 0) < until) pausedUntil.set(identity, until);
}

/** Waits until the back-off of `identity` has passed (at once when there is none). */
export async function waitOutPause(identity: string): Promise<void> {
	for (;;) {
		const until = pausedUntil.get(identity);
		if (until === undefined) return;
		const left = until - Date.now();
		if (left <= 0) {
			pausedUntil.delete(identity);
			return;
		}
		await sleep(left);
	}
}

/** identity -> answers PortalDuct gave (anything but a 429) in this process so far. */
const answered = new Map<string, number>();

/** Counts an answer of PortalDuct to a request of `identity` that was not a 429. */
export function noteAnswered(identity: string): void {
	answered.set(identity, (answered.get(identity) ?? 0) + 1);
}

/**
 * How many answers `identity` has had so far: a request that meets 429 again compares this with
 * what it was at its last 429, to tell a limit being shared (others got through) from one that
 * lets nothing through.
 */
export function answeredCount(identity: string): number {
	return answered.get(identity) ?? 0;
}
