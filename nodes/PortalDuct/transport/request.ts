/**
 * The one way to call PortalDuct. Every action and the trigger come through here, so auth,
 * retries, rate limits and error wording are decided once.
 *
 * Each try: a session from session.ts (`sessionFor`), one send (`sendWithSession`), and what
 * happened goes to `decide` below (retry, wait out a 429, renew after a 401, fail). After a 401,
 * session.ts's `afterRefusal` empties the refused token and the next try's `sessionFor` renews.
 */
import {
	NodeApiError,
	sleep,
	type IDataObject,
	type IHttpRequestMethods,
	type JsonObject,
} from 'n8n-workflow';

import { failureMarker, readContentType, readRetryAfter } from '../api';
import { describeBody, toError, type Failure } from './request-errors';
import { credentialFor, type Run } from './run';
import { afterRefusal, sendWithSession, sessionFor, type Account, type ResolvedCredential } from './session';

export interface PortalDuctCall extends RetryCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** Which item asked, for error placement. */
	itemIndex?: number;
	/** What the call creates or reads, in PortalDuct's words (e.g. `client 9f1c...`), for 409 wording. */
	subject?: string;
	/** What a 404 means is missing, when not the subject (e.g. the customer a client is created under). */
	missing?: string;
}

export interface PortalDuctAnswer {
	status: number;
	body: unknown;
	/** The Content-Type header, as sent. */
	contentType?: string;
	/** A create whose first answer was lost and whose resend met 409: it landed the first time. */
	landedEarlier?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The retry decision: a pure function of what happened and what the request has been through (no
// clock, no I/O), so every rule is a row of a table test (test/unit/retry-table.test.ts).

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

// ---------------------------------------------------------------------------------------------
// One request

/** Finds what went wrong in whatever n8n wrapped around the HTTP error (NodeApiError -> AxiosError). */
function describeFailure(error: unknown): Failure {
	const seen = new Set<unknown>();
	let current = error as IDataObject | undefined;
	const failure: Failure = {};
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const response = current.response as IDataObject | undefined;
		if (response && typeof response.status === 'number' && failure.status === undefined) {
			failure.status = response.status;
			failure.retryAfter = readRetryAfter(response.headers as IDataObject | undefined);
			failure.contentType = readContentType(response.headers as IDataObject | undefined);
			failure.body = response.data;
		}
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code) && !failure.network) {
			failure.network = current.code;
		}
		current = (current.cause ?? current.errorResponse) as IDataObject | undefined;
	}
	// Axios also sets codes like ERR_BAD_REQUEST on HTTP errors: a code only matters without an answer.
	if (failure.status !== undefined) delete failure.network;
	if (failure.status === undefined && !failure.network) {
		const httpCode = Number((error as { httpCode?: unknown }).httpCode);
		if (Number.isInteger(httpCode) && httpCode > 0) failure.status = httpCode;
		else failure.network = String((error as Error)?.message ?? error).slice(0, 200);
	}
	return failure;
}

function happenedOf(failure: Failure): Happened {
	if (failure.final) return { kind: 'renewalFinal' };
	const { retryAfter } = failure;
	if (failure.renewal) return { kind: 'renewalNotNow', status: failure.status as number, retryAfter };
	if (failure.status === undefined) return { kind: 'noAnswer' };
	return { kind: 'status', status: failure.status, retryAfter };
}

/** One try: a session (renewed if needed), then the request. A failed renewal sends nothing. */
async function tryOnce(
	run: Run,
	credential: ResolvedCredential,
	call: PortalDuctCall,
): Promise<{ answer?: PortalDuctAnswer; failure?: Failure; sentToken?: string }> {
	const session = await sessionFor(run.ctx, credential);
	if (session.kind === 'final') return { failure: { final: { message: session.message, hint: session.hint } } };
	if (session.kind === 'notNow') {
		return {
			failure: {
				status: session.status,
				retryAfter: session.retryAfter,
				body: { message: session.message },
				renewal: true,
			},
		};
	}
	const sentToken = session.session.accessToken;
	try {
		const response = (await sendWithSession(run.ctx, credential, {
			method: call.method,
			url: `${credential.baseUrl}${call.path}`,
			body: call.body,
			qs: call.qs,
			json: true,
			returnFullResponse: true,
			// A host that accepts the connection and never answers must not hold the run.
			timeout: run.options.timeoutMs,
		})) as { statusCode: number; body: unknown; headers?: IDataObject };
		const answer = { status: response.statusCode, body: response.body, contentType: readContentType(response.headers) };
		// A 2xx that says it failed (`success: false`, ...) is a failure that keeps its HTTP code.
		const marker = failureMarker(answer.body);
		if (marker) return { failure: { ...answer, marker }, sentToken };
		return { answer, sentToken };
	} catch (error) {
		// Kept as data, not rethrown: the caller decides between retry and a clean error.
		return { failure: describeFailure(error), sentToken };
	}
}

/** Waits until the account's back-off has passed (at once when there is none). */
async function waitOutPause(account: Account): Promise<void> {
	for (let left = account.pausedUntil - Date.now(); left > 0; left = account.pausedUntil - Date.now()) {
		await sleep(left);
	}
}

/**
 * Sends `call` for the run, with retries, back-off and session renewal as `decide` says.
 * Returns PortalDuct's answer (2xx, or a status listed in `call.answers`); throws NodeApiError or
 * NodeOperationError worded for the user, placed at `call.itemIndex`.
 */
export async function portalDuctRequest(run: Run, call: PortalDuctCall): Promise<PortalDuctAnswer> {
	const credential = await credentialFor(run, call.itemIndex);
	const account = credential.account;
	let tally = freshTally(account.answered);
	for (let tries = 1; ; tries++) {
		// An earlier request of this run already met a refused login or a PortalDuct that stopped
		// answering: the same error, and nothing sent.
		const ended = run.ended.get(credential.identity);
		if (ended) throw ended;
		await waitOutPause(account);
		const { answer, failure, sentToken } = await tryOnce(run, credential, call);
		const happened = failure && happenedOf(failure);
		// An answer to the request itself (a failed login or refresh is not one): see the 429 rule.
		if (answer || (happened?.kind === 'status' && happened.status !== 429)) account.answered++;
		if (answer) {
			if (typeof answer.body === 'string' && answer.body.trim() !== '') {
				throw new NodeApiError(run.ctx.getNode(), { message: 'not JSON' } as JsonObject, {
					message: `PortalDuct answered ${call.method} ${call.path} with ${describeBody(answer.body, answer.contentType)}`,
					description: 'Check that the Base URL of the PortalDuct credential points at the PortalDuct API.',
					httpCode: String(answer.status),
					itemIndex: call.itemIndex,
				});
			}
			return answer;
		}
		const f = failure as Failure;
		if (f.status === 429) run.rateLimited += 1;
		const { decision, tally: next } = decide(call, tally, happened as Happened, account.answered, Date.now());
		tally = next;
		switch (decision.action) {
			case 'accept':
				return { status: f.status as number, body: f.body };
			case 'landedEarlier':
				return { status: 409, body: f.body, landedEarlier: true };
			case 'renew':
				await afterRefusal(run.ctx, credential, sentToken ?? '', call.itemIndex);
				continue;
			case 'pause':
				account.pausedUntil = Math.max(account.pausedUntil, Date.now() + decision.ms);
				continue;
			case 'retry':
				await sleep(decision.ms);
				continue;
			case 'fail': {
				const error = toError(run.ctx, call, f, tries);
				if (decision.endsRun) run.ended.set(credential.identity, error);
				throw error;
			}
		}
	}
}
