/**
 * What to do after a try of a PortalDuct request that did not bring a usable answer: a pure
 * function of what happened and what the request has been through (no clock, no I/O), so every
 * rule is a row of a table test (test/unit/retry-table.test.ts).
 */

/**
 * Bounds, so a run never loops: a read is tried at most 4 times (3 back-offs, 4.25 s in all), a
 * create resent once. A 429 is waited out (Retry-After capped at 60 s) and fails the request after
 * 5 in a row during which no other request of the account got an answer; while others do, the
 * limit is being shared, not refusing, and the request keeps its turn, up to 50 429s. With the
 * Timeout option T per try, a PortalDuct that stops answering fails the run within 4 x T + 5 s.
 */
export const retryPolicy = {
	rateLimitedTries: 5,
	maxRateLimited: 50,
	maxRetryAfterSeconds: 60,
	readBackoffMs: [250, 1000, 3000],
	createResends: 1,
	/** 401s one request may meet (sessions renewed elsewhere, renewals of its own), each < 0.5 s. */
	refusedTokenRounds: 5,
};

/**
 * What one try came to, when it was not a 2xx answer:
 * - `status`: PortalDuct answered the request with this HTTP status (`retryAfter` as sent);
 * - `noAnswer`: no answer at all (refused or dropped connection, the Timeout passed): the request
 *   may or may not have landed;
 * - `renewalFinal`: the login or refresh before the request cannot give a session (refused login,
 *   no answer): nothing of the request was sent;
 * - `renewalNotNow`: the login or refresh got 429 or 5xx: nothing of the request was sent.
 */
export type Happened =
	| { kind: 'status'; status: number; retryAfter?: string }
	| { kind: 'noAnswer' }
	| { kind: 'renewalFinal' }
	| { kind: 'renewalNotNow'; status: number; retryAfter?: string };

/** What the request has been through so far. Start with `freshTally(answered)`. */
export interface Tally {
	/** 429s in a row with no answer to any request of the account in between; and all 429s. */
	rateLimited: number;
	rateLimitedInAll: number;
	/** The account's answer count (Account.answered) at this request's last 429. */
	answeredAtLast429: number;
	/** Retries after no answer or a 5xx. */
	transient: number;
	/** A send of this request may have landed without its answer reaching us. */
	answerLost: boolean;
	/** 401s met. */
	refusedTokens: number;
}

export function freshTally(answered: number): Tally {
	return { rateLimited: 0, rateLimitedInAll: 0, answeredAtLast429: answered, transient: 0, answerLost: false, refusedTokens: 0 };
}

/**
 * - `accept`: a status the caller takes as an answer (e.g. 404 for "no registration");
 * - `landedEarlier`: a create's resend met 409 after a lost answer: the first send created it;
 * - `renew`: the token was refused: renew the session and send again;
 * - `pause`: rate limited: every request of the account waits `ms`, then this one is sent again;
 * - `retry`: wait `ms`, send again;
 * - `fail`: give up; `endsRun`: every later request of the account in this run fails the same way,
 *   unsent (a wrong password is not tried 1,000 times, a PortalDuct that is down not waited for twice).
 */
export type Decision =
	| { action: 'accept' }
	| { action: 'landedEarlier' }
	| { action: 'renew' }
	| { action: 'pause'; ms: number }
	| { action: 'retry'; ms: number }
	| { action: 'fail'; endsRun: boolean };

/** How safe the request is to send again, and which statuses are answers to it. */
export interface RetryCall {
	/** 'read': no side effect, retried with back-off; 'create': records a caller-chosen id, resent once. */
	resend: 'read' | 'create';
	answers?: number[];
}

/**
 * The wait a 429 asks for, in ms: Retry-After in seconds or as an HTTP date (relative to `now`, ms
 * since epoch), capped at 60 s; without one, 1 s doubling per 429 in a row (`attempt` from 0).
 */
export function retryAfterMs(retryAfter: string | undefined, attempt: number, now: number): number {
	const cap = retryPolicy.maxRetryAfterSeconds * 1000;
	const seconds = retryAfter === undefined || retryAfter.trim() === '' ? NaN : Number(retryAfter);
	if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, cap);
	const date = retryAfter === undefined ? NaN : Date.parse(retryAfter);
	if (Number.isFinite(date)) return Math.min(Math.max(date - now, 0), cap);
	return Math.min(1000 * 2 ** attempt, cap);
}

/**
 * The decision after `happened`, and the tally to carry into the next try.
 * `answeredNow` is the account's answer count now (to tell a shared limit from one that lets
 * nothing through); `now` is ms since epoch (for a Retry-After date).
 */
export function decide(
	call: RetryCall,
	tally: Tally,
	happened: Happened,
	answeredNow: number,
	now: number,
): { decision: Decision; tally: Tally } {
	const next = { ...tally };
	const give = (decision: Decision) => ({ decision, tally: next });
	if (happened.kind === 'renewalFinal') return give({ action: 'fail', endsRun: true });
	const status = happened.kind === 'noAnswer' ? undefined : happened.status;
	const renewal = happened.kind === 'renewalNotNow';
	if (!renewal && status !== undefined && call.answers?.includes(status)) return give({ action: 'accept' });
	if (!renewal && status === 401) {
		if (next.refusedTokens >= retryPolicy.refusedTokenRounds) return give({ action: 'fail', endsRun: false });
		next.refusedTokens++;
		return give({ action: 'renew' });
	}
	if (!renewal && status === 409 && call.resend === 'create' && next.answerLost) return give({ action: 'landedEarlier' });
	if (status === 429) {
		next.rateLimited = answeredNow > next.answeredAtLast429 ? 1 : next.rateLimited + 1;
		next.answeredAtLast429 = answeredNow;
		next.rateLimitedInAll++;
		if (next.rateLimited < retryPolicy.rateLimitedTries && next.rateLimitedInAll < retryPolicy.maxRateLimited) {
			const retryAfter = happened.kind === 'noAnswer' ? undefined : happened.retryAfter;
			return give({ action: 'pause', ms: retryAfterMs(retryAfter, next.rateLimited - 1, now) });
		}
		// Nothing got through for 5 rounds: the other items fail at once rather than each waiting.
		return give({ action: 'fail', endsRun: next.rateLimited >= retryPolicy.rateLimitedTries });
	}
	const transient = status === undefined || status >= 500;
	if (transient) {
		// A login or refresh that failed sent nothing of this request: tried again like a read even
		// for a create, and a later 409 is not "landed earlier".
		const allowed = call.resend === 'read' || renewal ? retryPolicy.readBackoffMs.length : retryPolicy.createResends;
		if (next.transient < allowed) {
			const ms = retryPolicy.readBackoffMs[Math.min(next.transient, retryPolicy.readBackoffMs.length - 1)];
			next.transient++;
			if (!renewal) next.answerLost = true;
			return give({ action: 'retry', ms });
		}
	}
	// No answer at all after every retry, or no session to be had: PortalDuct is down or
	// unreachable for this run.
	return give({ action: 'fail', endsRun: status === undefined || renewal });
}
