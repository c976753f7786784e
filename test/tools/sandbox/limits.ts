/**
 * The API's front door: rateLimitPerSecond and maxInFlight. Both are checked when a /v1 request
 * arrives (before latencyMs and injected faults) and a refused request is answered at once, is not
 * in flight and does not take a place in the rate window.
 */
import { performance } from 'node:perf_hooks';
import { type Reply, json } from './http-util';
import type { SandboxState } from './types';

/** The rate limit's sliding window, in ms. */
export const RATE_WINDOW_MS = 1000;

const tooMany = (retryAfterSeconds: number, message: string): Reply =>
	json(429, { error: 'rate_limited', message }, { 'Retry-After': String(retryAfterSeconds) });

/**
 * Admits a /v1 request (it then counts in the rate window and in flight; call leave() when it is
 * answered) or returns the 429 to send instead.
 */
export function admit(state: SandboxState): Reply | undefined {
	const { settings, counters, rateWindow } = state;
	const now = performance.now();
	while (rateWindow.length > 0 && rateWindow[0] <= now - RATE_WINDOW_MS) rateWindow.shift();
	const limit = settings.rateLimitPerSecond;
	if (limit > 0 && rateWindow.length >= limit) {
		counters.rateLimited++;
		// Allowed again once enough admissions leave the window (more than one if the limit was lowered).
		const allowedAt = rateWindow[rateWindow.length - limit] + RATE_WINDOW_MS;
		const seconds = Math.max(1, Math.ceil((allowedAt - now) / 1000));
		return tooMany(seconds, `More than ${limit} requests per second; retry after ${seconds} s`);
	}
	if (settings.maxInFlight > 0 && counters.inFlight >= settings.maxInFlight) {
		counters.concurrencyRejected++;
		return tooMany(1, `More than ${settings.maxInFlight} requests at once; retry after 1 s`);
	}
	// Always recorded (the window holds at most a second of requests), so a limit set at runtime
	// counts the requests of the second before it too.
	rateWindow.push(now);
	counters.inFlight++;
	counters.inFlightMax = Math.max(counters.inFlightMax, counters.inFlight);
	return undefined;
}

/** An admitted request was answered, dropped or started hanging: it is no longer in flight. */
export function leave(state: SandboxState): void {
	state.counters.inFlight--;
}
