/**
 * Every rule of the transport's retry decision (nodes/PortalDuct/transport/request.ts `decide`), one row each:
 * what happened to a try, what the request had been through, and what must be done next.
 */
import {
	decide,
	freshTally,
	retryAfterMs,
	retryPolicy,
	type Decision,
	type Happened,
	type RetryCall,
	type Tally,
} from '../../nodes/PortalDuct/transport/request';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const read: RetryCall = { resend: 'read' };
const create: RetryCall = { resend: 'create' };
const tally = (over: Partial<Tally> = {}): Tally => ({ ...freshTally(0), ...over });

const rows: Array<[string, RetryCall, Tally, Happened, number, Decision, Partial<Tally>?]> = [
	// 429
	['429 with Retry-After: 7 s waits 7 s', read, tally(), { kind: 'status', status: 429, retryAfter: '7' }, 0, { action: 'pause', ms: 7000 }, { rateLimited: 1, rateLimitedInAll: 1 }],
	['429 with Retry-After as an HTTP date 30 s ahead waits 30 s', read, tally(), { kind: 'status', status: 429, retryAfter: new Date(NOW + 30_000).toUTCString() }, 0, { action: 'pause', ms: 30_000 }],
	['429 with Retry-After: 3600 waits the 60 s cap', read, tally(), { kind: 'status', status: 429, retryAfter: '3600' }, 0, { action: 'pause', ms: 60_000 }],
	['429 without Retry-After, first in a row: 1 s', read, tally(), { kind: 'status', status: 429 }, 0, { action: 'pause', ms: 1000 }],
	['429 without Retry-After, third in a row: 4 s', read, tally({ rateLimited: 2, rateLimitedInAll: 2 }), { kind: 'status', status: 429 }, 0, { action: 'pause', ms: 4000 }, { rateLimited: 3 }],
	['429, fifth in a row with nothing answered meanwhile: fails and ends the run', read, tally({ rateLimited: 4, rateLimitedInAll: 4 }), { kind: 'status', status: 429 }, 0, { action: 'fail', endsRun: true }, { rateLimited: 5 }],
	['429 after others got answers: the count starts again (a shared limit)', read, tally({ rateLimited: 4, rateLimitedInAll: 4 }), { kind: 'status', status: 429 }, 12, { action: 'pause', ms: 1000 }, { rateLimited: 1, answeredAtLast429: 12 }],
	['429 number 50 in all, even while shared: fails, the run goes on', read, tally({ rateLimited: 1, rateLimitedInAll: 49, answeredAtLast429: 3 }), { kind: 'status', status: 429 }, 9, { action: 'fail', endsRun: false }],
	['429 to the login before a create: waits like any 429', create, tally(), { kind: 'renewalNotNow', status: 429, retryAfter: '2' }, 0, { action: 'pause', ms: 2000 }],
	// A 2xx whose body says it failed (`success: false`, ...): kept as the HTTP 200 it came with
	['a 200 that says it failed, to a read: fails at once, not retried like a 5xx, the run goes on', read, tally(), { kind: 'status', status: 200 }, 0, { action: 'fail', endsRun: false }],
	['a 200 that says it failed, to a create: fails at once, not resent', create, tally(), { kind: 'status', status: 200 }, 0, { action: 'fail', endsRun: false }],
	// 5xx and no answer
	['503 to a read: retried after 250 ms', read, tally(), { kind: 'status', status: 503 }, 0, { action: 'retry', ms: 250 }, { transient: 1, answerLost: true }],
	['500 to a read, third retry: 3 s', read, tally({ transient: 2 }), { kind: 'status', status: 500 }, 0, { action: 'retry', ms: 3000 }, { transient: 3 }],
	['502 to a read after 3 retries: fails, the run goes on', read, tally({ transient: 3 }), { kind: 'status', status: 502 }, 0, { action: 'fail', endsRun: false }],
	['no answer to a read: retried after 250 ms, it may have landed', read, tally(), { kind: 'noAnswer' }, 0, { action: 'retry', ms: 250 }, { answerLost: true }],
	['no answer to a read after 3 retries (the deadline of each try passed): fails and ends the run', read, tally({ transient: 3 }), { kind: 'noAnswer' }, 0, { action: 'fail', endsRun: true }],
	['a dropped connection on a create: resent once', create, tally(), { kind: 'noAnswer' }, 0, { action: 'retry', ms: 250 }, { transient: 1, answerLost: true }],
	['a dropped connection on a create, again: fails and ends the run', create, tally({ transient: 1, answerLost: true }), { kind: 'noAnswer' }, 0, { action: 'fail', endsRun: true }],
	['503 to a create: resent once', create, tally(), { kind: 'status', status: 503 }, 0, { action: 'retry', ms: 250 }, { answerLost: true }],
	['503 to a create, again: fails, the run goes on', create, tally({ transient: 1, answerLost: true }), { kind: 'status', status: 503 }, 0, { action: 'fail', endsRun: false }],
	['503 to the login before a create: tried again like a read, nothing of the create was sent', create, tally({ transient: 1 }), { kind: 'renewalNotNow', status: 503 }, 0, { action: 'retry', ms: 1000 }, { transient: 2, answerLost: false }],
	['503 to the login, after 3 retries: fails and ends the run', read, tally({ transient: 3 }), { kind: 'renewalNotNow', status: 503 }, 0, { action: 'fail', endsRun: true }],
	// 409 on a create
	['409 to a create resent after a lost answer: the first send landed', create, tally({ transient: 1, answerLost: true }), { kind: 'status', status: 409 }, 0, { action: 'landedEarlier' }],
	['409 to a first create: a duplicate, fails', create, tally(), { kind: 'status', status: 409 }, 0, { action: 'fail', endsRun: false }],
	['409 the caller takes as an answer (If Already Exists: Continue)', { resend: 'create', answers: [409] }, tally(), { kind: 'status', status: 409 }, 0, { action: 'accept' }],
	// 401 and the login
	['401 once: renew the session and send again', read, tally(), { kind: 'status', status: 401 }, 0, { action: 'renew' }, { refusedTokens: 1 }],
	['401 twice: renew again (a session renewed elsewhere ended ours)', read, tally({ refusedTokens: 1 }), { kind: 'status', status: 401 }, 0, { action: 'renew' }, { refusedTokens: 2 }],
	[`401 after ${retryPolicy.refusedTokenRounds} renewals: fails, the run goes on`, read, tally({ refusedTokens: retryPolicy.refusedTokenRounds }), { kind: 'status', status: 401 }, 0, { action: 'fail', endsRun: false }],
	['a refused login: fails and ends the run (a wrong password is not tried again)', read, tally(), { kind: 'renewalFinal' }, 0, { action: 'fail', endsRun: true }],
	['a refused login even when 401 is among the answers: fails', { resend: 'read', answers: [401] }, tally(), { kind: 'renewalFinal' }, 0, { action: 'fail', endsRun: true }],
	// answers and other statuses
	['404 the caller takes as an answer (no registration)', { resend: 'read', answers: [404] }, tally(), { kind: 'status', status: 404 }, 0, { action: 'accept' }],
	['404 otherwise: fails at once', read, tally(), { kind: 'status', status: 404 }, 0, { action: 'fail', endsRun: false }],
	['400: fails at once, nothing sent again', read, tally(), { kind: 'status', status: 400 }, 0, { action: 'fail', endsRun: false }],
	['422 to a create: fails at once', create, tally(), { kind: 'status', status: 422 }, 0, { action: 'fail', endsRun: false }],
];

// Every row gets its 7th column (jest would pass its `done` callback in a missing one).
const table = rows.map((row) => [...row.slice(0, 6), row[6] ?? {}] as [string, RetryCall, Tally, Happened, number, Decision, Partial<Tally>]);

test.each(table)('%s', (_name, call, before, happened, answeredNow, expected, after) => {
	const { decision, tally: next } = decide(call, before, happened, answeredNow, NOW);
	expect(decision).toEqual(expected);
	expect(next).toMatchObject(after);
	// The tally passed in is never changed: the decision is a pure function of its inputs.
	expect(before).toEqual(tally(before));
});

test('the back-offs of a read add up to the documented 4.25 s', () => {
	let state = freshTally(0);
	let waited = 0;
	for (;;) {
		const { decision, tally: next } = decide(read, state, { kind: 'noAnswer' }, 0, NOW);
		state = next;
		if (decision.action !== 'retry') break;
		waited += decision.ms;
	}
	expect(waited).toBe(4250);
});

test.each([
	['seconds', '12', 0, 12_000],
	['zero', '0', 3, 0],
	['a date in the past', new Date(NOW - 5000).toUTCString(), 0, 0],
	['junk, first of a row', 'soon', 0, 1000],
	['junk, sixth of a row (capped)', 'soon', 6, 60_000],
	['none, second of a row', undefined, 1, 2000],
])('Retry-After %s -> wait', (_label, header, attempt, ms) => {
	expect(retryAfterMs(header, attempt, NOW)).toBe(ms);
});
