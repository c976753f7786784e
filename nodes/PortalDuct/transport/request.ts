/**
 * The one way to call PortalDuct. Every action and the trigger come through here, so auth,
 * retries, rate limits and error wording are decided once.
 *
 * Each try: a session from session.ts, one send, and what happened goes to retry.ts's `decide`
 * (retry, wait out a 429, renew after a 401, fail). A 401 is handled by session.ts's `afterRefusal`
 * and the next try's `sessionFor` renews.
 */
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IHttpRequestMethods,
	type JsonObject,
} from 'n8n-workflow';

import { readErrorBody } from '../api';
import { networkWords } from './network-words';
import { decide, freshTally, type Happened, type RetryCall } from './retry';
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
	/** A create whose first answer was lost and whose resend met 409: it landed the first time. */
	landedEarlier?: boolean;
}

/**
 * What went wrong with a try, as the error says it: the HTTP status, headers and body PortalDuct
 * answered with, a network code, or a renewal that gave no session (`final`: its words and hint;
 * `renewal`: a 429 or 5xx of the login or refresh, whose words are in `body.message`).
 */
interface Failure {
	status?: number;
	headers?: IDataObject;
	body?: unknown;
	network?: string;
	final?: { message: string; hint: string };
	renewal?: boolean;
}

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

function happenedOf(failure: Failure): Happened {
	if (failure.final) return { kind: 'renewalFinal' };
	const raw = failure.headers?.['retry-after'] ?? failure.headers?.['Retry-After'];
	const retryAfter = raw === undefined ? undefined : String(raw);
	if (failure.renewal) return { kind: 'renewalNotNow', status: failure.status as number, retryAfter };
	if (failure.status === undefined) return { kind: 'noAnswer' };
	return { kind: 'status', status: failure.status, retryAfter };
}

function describeBody(body: unknown): string {
	if (typeof body !== 'string') return '';
	const text = body.trim();
	if (/^<(!doctype|html)/i.test(text)) return 'an HTML page (often a proxy, gateway or wrong Base URL)';
	return `text that is not JSON ("${text.slice(0, 60)}${text.length > 60 ? '…' : ''}")`;
}


function toError(
	ctx: Run['ctx'],
	call: PortalDuctCall,
	failure: Failure,
	tries: number,
): NodeApiError | NodeOperationError {
	const node = ctx.getNode();
	const itemIndex = call.itemIndex;
	if (failure.final) {
		return new NodeOperationError(node, failure.final.message, { itemIndex, description: failure.final.hint });
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
				headers: session.retryAfter === undefined ? {} : { 'retry-after': session.retryAfter },
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
		})) as { statusCode: number; body: unknown };
		return { answer: { status: response.statusCode, body: response.body }, sentToken };
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
 * Sends `call` for the run, with retries, back-off and session renewal as retry.ts decides.
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
		// An answer to the request itself (a failed login or refresh is not one): see the 429 rule.
		if (answer || (failure?.status !== undefined && failure.status !== 429 && !failure.renewal)) account.answered++;
		if (answer) {
			if (typeof answer.body === 'string' && answer.body.trim() !== '') {
				throw new NodeApiError(run.ctx.getNode(), { message: 'not JSON' } as JsonObject, {
					message: `PortalDuct answered ${call.method} ${call.path} with ${describeBody(answer.body)}`,
					description: 'Check that the Base URL of the PortalDuct credential points at the PortalDuct API.',
					httpCode: String(answer.status),
					itemIndex: call.itemIndex,
				});
			}
			return answer;
		}
		const f = failure as Failure;
		const { decision, tally: next } = decide(call, tally, happenedOf(f), account.answered, Date.now());
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
