/**
 * The one way to call PortalDuct. Every action and the trigger come through here, so auth,
 * retries, rate limits and error wording are decided once.
 *
 * Auth: `httpRequestWithAuthentication` makes n8n run the credential's preAuthentication when the
 * token is missing and, after a 401, refresh it and retry once.
 */
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type ILoadOptionsFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE, readErrorBody } from '../api';
import { adoptKeptSession, afterTokenRefused, resolveCredential, type ResolvedCredential } from './credential';
import { answeredCount, endRunFor, noteAnswered, pauseFor, runEndedFor, runOptions, waitOutPause } from './run-state';
import { networkWords } from './network-words';
import { isSessionMessage, renewalUnavailableOf, SESSION_ERROR_NAME, sessionHintFor } from './session';

export type PortalDuctContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions;

export interface PortalDuctCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/**
	 * How safe it is to send again after a lost answer or a 5xx:
	 * 'read' (no side effect, or the same effect twice): a few retries with back-off;
	 * 'create' (records a caller-chosen id): one resend, and a 409 to it means the first landed.
	 */
	resend: 'read' | 'create';
	/** Which item asked, for error placement. */
	itemIndex?: number;
	/** What the call creates or reads, in PortalDuct's words (e.g. `client 9f1c...`), for 409 wording. */
	subject?: string;
	/** What a 404 means is missing, when not the subject (e.g. the customer a client is created under). */
	missing?: string;
	/** Statuses that are answers rather than failures (e.g. 404 for "no registration"). */
	answers?: number[];
}

export interface PortalDuctAnswer {
	status: number;
	body: unknown;
	/** A create whose first answer was lost and whose resend met 409: it landed the first time. */
	landedEarlier?: boolean;
}

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

interface Failure {
	status?: number;
	headers?: IDataObject;
	body?: unknown;
	network?: string;
	sessionMessage?: string;
	/** The login or refresh before the request got a 429 or 5xx: the request itself was not sent. */
	renewal?: boolean;
}

/** Finds what went wrong in whatever n8n wrapped around the HTTP error (NodeApiError -> AxiosError). */
function describeFailure(error: unknown): Failure {
	const seen = new Set<unknown>();
	let current = error as IDataObject | undefined;
	const failure: Failure = {};
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		if (current.name === SESSION_ERROR_NAME || isSessionMessage(current.message)) {
			return { sessionMessage: current.message as string };
		}
		const renewal = renewalUnavailableOf(current);
		if (renewal) {
			return { status: renewal.status, headers: { 'retry-after': renewal.retryAfter }, body: { message: current.message }, renewal: true };
		}
		const response = current.response as IDataObject | undefined;
		if (response && typeof response.status === 'number' && failure.status === undefined) {
			failure.status = response.status;
			failure.headers = (response.headers as IDataObject) ?? {};
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

function retryAfterMs(headers: IDataObject | undefined, attempt: number): number {
	const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
	const seconds = Number(raw);
	if (Number.isFinite(seconds) && seconds >= 0) {
		return Math.min(seconds, retryPolicy.maxRetryAfterSeconds) * 1000;
	}
	const date = typeof raw === 'string' ? Date.parse(raw) : NaN;
	if (Number.isFinite(date)) {
		return Math.min(Math.max(date - Date.now(), 0), retryPolicy.maxRetryAfterSeconds * 1000);
	}
	return Math.min(1000 * 2 ** attempt, retryPolicy.maxRetryAfterSeconds * 1000);
}

/** No answer at all (the request may or may not have landed), or PortalDuct's own failure. */
function isTransient(failure: Failure): boolean {
	return failure.network !== undefined || (failure.status !== undefined && failure.status >= 500);
}

function describeBody(body: unknown): string {
	if (typeof body !== 'string') return '';
	const text = body.trim();
	if (/^<(!doctype|html)/i.test(text)) return 'an HTML page (often a proxy, gateway or wrong Base URL)';
	return `text that is not JSON ("${text.slice(0, 60)}${text.length > 60 ? '…' : ''}")`;
}


function toError(
	ctx: PortalDuctContext,
	call: PortalDuctCall,
	failure: Failure,
	tries: number,
): NodeApiError | NodeOperationError {
	const node = ctx.getNode();
	const itemIndex = call.itemIndex;
	if (failure.sessionMessage) {
		return new NodeOperationError(node, failure.sessionMessage, { itemIndex, description: sessionHintFor(failure.sessionMessage) });
	}
	const subject = call.subject ?? 'the requested record';
	const where = `${call.method} ${call.path}`;
	const after = tries > 1 ? ` (after ${tries} tries)` : '';
	if (failure.status === undefined) {
		// Worded here: n8n would replace a message that contains a raw code like ECONNRESET.
		const code = failure.network ?? '';
		const words = networkWords[code] ?? 'no answer came back';
		return new NodeApiError(node, { message: words } as JsonObject, {
			message: `PortalDuct could not be reached for ${where}: ${words}${after}`,
			description: `Check the Base URL of the PortalDuct credential and that PortalDuct is up.${code ? ` (network error ${code})` : ''}`,
			itemIndex,
		});
	}
	const status = failure.status;
	const said = readErrorBody(failure.body);
	const text = said.message ?? describeBody(failure.body);
	const detail = text ? `: ${text}` : '';
	const hints: Record<number, [string, string]> = {
		400: [`PortalDuct rejected the request${detail}`, 'Check the fields of this item.'],
		401: [
			`PortalDuct refused the token even after renewing the session${detail}`,
			'Check the PortalDuct credential: email, password, and that its Base URL is the environment (sandbox or production) of this account.',
		],
		403: [
			`PortalDuct does not allow this account to ${where}${detail}`,
			'Ask PortalDuct to enable this feature for the account.',
		],
		404: [
			`PortalDuct has no ${call.missing ?? subject}${detail}`,
			'Check the id: customer and client UUIDs are the ones you created them with, connection_uuid comes from PortalDuct (trigger events and balances list them).',
		],
		409: [
			`${subject.charAt(0).toUpperCase()}${subject.slice(1)} already exists in PortalDuct${detail}`,
			'Customer and client UUIDs are chosen by you and must be unique. Use another UUID, or set the option "If Already Exists" to "Continue".',
		],
		422: [`PortalDuct could not process the request${detail}`, 'Check the fields of this item.'],
		429: failure.renewal
			? [
					`PortalDuct is rate limiting its login${after}${detail}`,
					'One login serves every item of the run: wait a little before running the workflow again.',
				]
			: [
					`PortalDuct is rate limiting requests${after}${detail}`,
					'Lower Options > Concurrency, or send fewer items per run (a Wait node between batches), to keep under the limit.',
				],
	};
	const [message, description] = hints[status] ?? [
		status >= 500
			? `PortalDuct had a server error (HTTP ${status})${after}${detail}`
			: `PortalDuct answered HTTP ${status} to ${where}${detail}`,
		status >= 500 ? 'This is on PortalDuct\'s side; running the workflow again later usually works.' : '',
	];
	return new NodeApiError(
		node,
		{ message: text || `HTTP ${status}`, httpCode: String(status), error: said.code ?? '' } as JsonObject,
		{ message, description: description || undefined, httpCode: String(status), itemIndex },
	);
}

async function sendOnce(
	ctx: PortalDuctContext,
	credential: ResolvedCredential,
	call: PortalDuctCall,
): Promise<{ answer?: PortalDuctAnswer; failure?: Failure }> {
	try {
		const response = (await ctx.helpers.httpRequestWithAuthentication.call(
			ctx,
			CREDENTIAL_TYPE,
			{
				method: call.method,
				url: `${credential.baseUrl}${call.path}`,
				body: call.body,
				qs: call.qs,
				json: true,
				returnFullResponse: true,
				// A host that accepts the connection and never answers must not hold the run.
				timeout: runOptions(ctx).timeoutMs,
			},
			// The copy resolved for this item: n8n neither loads it again (for item 0) nor decrypts twice.
			// 401s are handled below, not by n8n's own one refresh (n8n 2.x reads this option).
			{ credentialsDecrypted: credential.decrypted, preAuthenticationRetryStatusCode: [] },
		)) as { statusCode: number; body: unknown };
		return { answer: { status: response.statusCode, body: response.body } };
	} catch (error) {
		// Kept as data, not rethrown: the caller decides between retry and a clean error.
		return { failure: describeFailure(error) };
	}
}

export async function portalDuctRequest(
	this: PortalDuctContext,
	call: PortalDuctCall,
): Promise<PortalDuctAnswer> {
	const credential = await resolveCredential(this, call.itemIndex);
	let tries = 0;
	/** 429s in a row with no answer to any request of the account in between; and all 429s. */
	let rateLimited = 0;
	let rateLimitedInAll = 0;
	let answeredAtLast429 = answeredCount(credential.identity);
	let transient = 0;
	let answerLost = false;
	let refusedTokens = 0;
	for (;;) {
		// An earlier request of this run already met a refused login or a PortalDuct that stopped
		// answering: the same error, and nothing sent (a wrong password is not tried 1,000 times).
		const ended = runEndedFor(this, credential.identity);
		if (ended) throw ended;
		await waitOutPause(credential.identity);
		adoptKeptSession(credential);
		tries++;
		const { answer, failure } = await sendOnce(this, credential, call);
		// An answer to the request itself (a failed login or refresh is not one): see the 429 rule.
		if (answer || (failure?.status !== undefined && failure.status !== 429 && !failure.renewal)) {
			noteAnswered(credential.identity);
		}
		if (answer) {
			if (typeof answer.body === 'string' && answer.body.trim() !== '') {
				throw new NodeApiError(this.getNode(), { message: 'not JSON' } as JsonObject, {
					message: `PortalDuct answered ${call.method} ${call.path} with ${describeBody(answer.body)}`,
					description: 'Check that the Base URL of the PortalDuct credential points at the PortalDuct API.',
					httpCode: String(answer.status),
					itemIndex: call.itemIndex,
				});
			}
			return answer;
		}
		const f = failure as Failure;
		// A refused login is final: trying again would only repeat the refusal (and lock accounts).
		if (f.sessionMessage) {
			const error = toError(this, call, f, tries);
			endRunFor(this, credential.identity, error);
			throw error;
		}
		if (f.status !== undefined && call.answers?.includes(f.status)) {
			return { status: f.status, body: f.body };
		}
		if (f.status === 401 && refusedTokens < retryPolicy.refusedTokenRounds) {
			refusedTokens++;
			await afterTokenRefused(this, credential, call.itemIndex);
			continue;
		}
		if (f.status === 409 && call.resend === 'create' && answerLost) {
			return { status: 409, body: f.body, landedEarlier: true };
		}
		if (f.status === 429) {
			const answeredNow = answeredCount(credential.identity);
			rateLimited = answeredNow > answeredAtLast429 ? 1 : rateLimited + 1;
			answeredAtLast429 = answeredNow;
			rateLimitedInAll++;
			if (rateLimited < retryPolicy.rateLimitedTries && rateLimitedInAll < retryPolicy.maxRateLimited) {
				pauseFor(credential.identity, retryAfterMs(f.headers, rateLimited - 1));
				continue;
			}
			const error = toError(this, call, f, tries);
			// Nothing got through for 5 rounds: the other items of the run fail at once, unsent,
			// rather than each waiting out the same refusal.
			if (rateLimited >= retryPolicy.rateLimitedTries) endRunFor(this, credential.identity, error);
			throw error;
		}
		if (isTransient(f)) {
			// A login or refresh that failed (f.renewal) sent nothing of this request: tried again like
			// a read even for a create, and a later 409 is not "landed earlier".
			const allowed =
				call.resend === 'read' || f.renewal ? retryPolicy.readBackoffMs.length : retryPolicy.createResends;
			if (transient < allowed) {
				await sleep(retryPolicy.readBackoffMs[Math.min(transient, retryPolicy.readBackoffMs.length - 1)]);
				transient++;
				if (!f.renewal) answerLost = true;
				continue;
			}
		}
		const error = toError(this, call, f, tries);
		// No answer at all after every retry, or no session to be had: PortalDuct is down or
		// unreachable for this run.
		if (f.status === undefined || f.renewal) endRunFor(this, credential.identity, error);
		throw error;
	}
}
