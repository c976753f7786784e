/**
 * Getting a PortalDuct token: log in with email and password, or trade a refresh token for a new
 * pair. Shared by the credential's preAuthentication and the node's Auth actions, so both speak to
 * PortalDuct the same way. Errors here never carry the password or a token: the request body is
 * not attached to anything thrown.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { paths, readErrorBody, readTokenSet, type TokenSet } from '../api';
import { networkWords } from './network-words';

/**
 * How long a login or refresh may wait for its answer, in ms. Fixed: the credential's hook cannot
 * see the node's Timeout option, and a login that hangs must not hold every item of the run.
 */
export const SESSION_TIMEOUT_MS = 15_000;

/** `this.helpers.httpRequest` of whichever n8n context is asking. */
export type PlainHttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

export interface SessionCredentials {
	baseUrl: string;
	email: string;
	password: string;
	refreshToken?: string;
	/** The (possibly expired) access token of that session, sent with the refresh. */
	accessToken?: string;
	/** `sessionOwner(baseUrl, email)` of the session the refresh token belongs to. */
	sessionOwner?: string;
}

export interface Session extends TokenSet {
	obtainedBy: 'login' | 'refresh';
	/** ISO time the access token stops working, when PortalDuct said how long it lives. */
	expiresAt?: string;
}

/** Marks a login or refresh failure so callers can tell it apart from an API error. */
export const SESSION_ERROR_NAME = 'PortalDuctSessionError';

/** The hint every login or refresh failure carries for the user. */
export const SESSION_HINT =
	'Check the PortalDuct credential: its Base URL (the sandbox or production host of this account), Email and Password.';

/**
 * The hint for a session error: a login or refresh that got no answer (refused connection,
 * dropped, timed out) says nothing about the Email or Password, so it points at the Base URL and
 * PortalDuct instead of SESSION_HINT.
 */
export function sessionHintFor(message: string): string {
	return / could not be reached at | got no answer /.test(message)
		? 'Check the Base URL of the PortalDuct credential and that PortalDuct is up; after a dropped connection, running the workflow again usually works.'
		: SESSION_HINT;
}

/** Whether a message is one of this module's session errors (n8n 1.x may drop the error's name). */
export function isSessionMessage(message: unknown): message is string {
	return (
		typeof message === 'string' &&
		/^(PortalDuct refused the login for |PortalDuct login for |The PortalDuct credential)/.test(message)
	);
}

export function sessionError(message: string): Error {
	const error = new Error(message);
	error.name = SESSION_ERROR_NAME;
	return error;
}

/** Names a login or refresh that PortalDuct could not serve just now (429 or 5xx), for logs. */
export const RENEWAL_UNAVAILABLE_NAME = 'PortalDuctRenewalUnavailable';

/**
 * A login or refresh PortalDuct answered with neither a session nor a refusal: rate limited (429)
 * or its own failure (5xx). Not final: the transport waits (Retry-After) and tries again, as for
 * any request, knowing no request was sent for the item meanwhile. The message carries the HTTP
 * status and Retry-After (read back by renewalUnavailableOf: n8n's wrapping of an error thrown by
 * preAuthentication keeps only the message), never the request.
 */
function renewalUnavailable(what: string, outcome: Exchange): Error {
	const retry = outcome.retryAfter === undefined ? '' : ` (retry after ${outcome.retryAfter} s)`;
	const error = new Error(`PortalDuct could not ${what} just now: ${outcome.problem}${retry}.`);
	error.name = RENEWAL_UNAVAILABLE_NAME;
	return error;
}

/**
 * The HTTP status and Retry-After (s, as sent) of a renewalUnavailable() error, read from its
 * message; undefined for any other error.
 */
export function renewalUnavailableOf(error: { message?: unknown }): { status: number; retryAfter?: string } | undefined {
	const message = String(error.message ?? '');
	const said = /^PortalDuct could not .+? just now: HTTP (\d{3})\b/.exec(message);
	if (!said) return undefined;
	const retryAfter = /\(retry after ([^)]+) s\)\.$/.exec(message)?.[1];
	return { status: Number(said[1]), retryAfter };
}

/**
 * Answers to a login or refresh that say "not now" rather than "no": wait and try again. No answer
 * at all stays final for the run (a PortalDuct that does not answer is not waited for twice).
 */
const notNow = (outcome: Exchange) => outcome.status !== undefined && (outcome.status === 429 || outcome.status >= 500);

export function normalizeBaseUrl(raw: unknown): string {
	// Paths carry /v1 themselves: a Base URL copied with it would double it.
	const text = typeof raw === 'string' ? raw.trim().replace(/\/+$/, '').replace(/\/v1$/i, '') : '';
	if (!/^https?:\/\/[^/\s]+/i.test(text)) {
		throw sessionError(
			`The PortalDuct credential's Base URL must be an http(s) address such as https://api.example.com, got "${text}". PortalDuct gives each account its sandbox and production hosts.`,
		);
	}
	return text;
}

/**
 * Who a session belongs to: `<Base URL as normalized>|<email, lower case>`, e.g.
 * `https://api.example.com|ap@acme.com`. A token or refresh token obtained for one owner is never
 * sent anywhere else: after the user edits the Base URL or Email, the kept session counts as none.
 * The credential's `authenticate` compares the session's stored owner with this string, computed
 * from the credential's fields (`ownerOrNone` there: keep both alike).
 */
export function sessionOwner(baseUrl: unknown, email: unknown): string {
	return `${normalizeBaseUrl(baseUrl)}|${String(email ?? '').trim().toLowerCase()}`;
}

/** What a login or refresh came to: a session, or the HTTP status and the reason it did not. */
export interface Exchange {
	session?: Session;
	/** HTTP status of a refusal; undefined when PortalDuct could not be reached. */
	status?: number;
	problem?: string;
	/** Retry-After of a 429 or 503, as sent. */
	retryAfter?: string;
}

async function exchange(
	httpRequest: PlainHttpRequest,
	baseUrl: string,
	path: string,
	body: IDataObject,
	obtainedBy: Session['obtainedBy'],
	bearer?: string,
): Promise<Exchange> {
	let response: { statusCode: number; body: unknown } | undefined;
	let unreachable = '';
	try {
		response = (await httpRequest({
			method: 'POST',
			url: `${baseUrl}${path}`,
			body,
			// [doc] every call but login carries the Bearer token: the refresh sends the old one.
			...(bearer ? { headers: { Authorization: `Bearer ${bearer}` } } : {}),
			json: true,
			returnFullResponse: true,
			timeout: SESSION_TIMEOUT_MS,
			// Statuses are read below; a thrown HTTP error would carry the request body (the password).
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
	} catch (error) {
		// Only the transport-level reason: the error object itself holds the request config.
		unreachable = String((error as { code?: string }).code ?? (error as Error).message ?? error);
	}
	if (!response) {
		// Worded, not the raw code: n8n replaces messages that contain codes like ECONNREFUSED.
		return { problem: `PortalDuct could not be reached at ${baseUrl}: ${networkWords[unreachable] ?? 'no answer came back'}` };
	}
	const { statusCode } = response;
	if (statusCode < 200 || statusCode > 299) {
		const { code, message } = readErrorBody(response.body);
		const said = [code, message].filter(Boolean).join(': ');
		const headers = (response as { headers?: IDataObject }).headers ?? {};
		const retryAfter = headers['retry-after'] ?? headers['Retry-After'];
		return {
			status: statusCode,
			problem: `HTTP ${statusCode}${said ? ` ${said}` : ''}`,
			retryAfter: retryAfter === undefined ? undefined : String(retryAfter),
		};
	}
	const tokens = readTokenSet(response.body);
	if (typeof tokens === 'string') {
		return { status: statusCode, problem: `PortalDuct's answer to ${path} was not understood: ${tokens}` };
	}
	const expiresAt = tokens.expiresIn
		? new Date(Date.now() + tokens.expiresIn * 1000).toISOString()
		: undefined;
	return { session: { ...tokens, obtainedBy, expiresAt } };
}

export async function logIn(
	httpRequest: PlainHttpRequest,
	credentials: SessionCredentials,
): Promise<Session> {
	const baseUrl = normalizeBaseUrl(credentials.baseUrl);
	const email = String(credentials.email ?? '').trim();
	if (!email || !credentials.password) {
		throw sessionError('The PortalDuct credential needs both an Email and a Password to log in.');
	}
	const result = await exchange(
		httpRequest,
		baseUrl,
		paths.login,
		{ email, password: credentials.password },
		'login',
	);
	if (result.session) return result.session;
	if (result.status === 401 || result.status === 403) {
		throw sessionError(
			`PortalDuct refused the login for ${email} (${result.problem}). Check the Email and Password in the PortalDuct credential, and that the Base URL is the environment (sandbox or production) this account belongs to.`,
		);
	}
	if (notNow(result)) {
		throw renewalUnavailable(`log in ${email}`, result);
	}
	throw sessionError(`PortalDuct login for ${email} failed: ${result.problem}.`);
}

/** What a refresh attempt came to (the Auth action words a refusal from it). */
export type RefreshOutcome = Exchange;

export async function refresh(
	httpRequest: PlainHttpRequest,
	baseUrl: string,
	refreshToken: string,
	accessToken?: string,
): Promise<RefreshOutcome> {
	return await exchange(httpRequest, normalizeBaseUrl(baseUrl), paths.renewal, { refreshToken }, 'refresh', accessToken);
}

/**
 * A fresh session the cheapest way: refresh when a refresh token is held (it is single-use, so a
 * refused one is normal after another process used it), else, or when refused, log in.
 */
export async function renewSession(
	httpRequest: PlainHttpRequest,
	credentials: SessionCredentials,
): Promise<Session> {
	// A refresh token from another Base URL or Email must not travel there: log in instead.
	const owned = credentials.sessionOwner === sessionOwner(credentials.baseUrl, credentials.email);
	if (credentials.refreshToken && owned) {
		const refreshed = await refresh(httpRequest, credentials.baseUrl, credentials.refreshToken, credentials.accessToken);
		if (refreshed.session) return refreshed.session;
		// "Not now" keeps the refresh token for the next try; only a refusal or no endpoint means login.
		if (notNow(refreshed)) {
			throw renewalUnavailable('renew the session', refreshed);
		}
		// No answer at all is final, as for a login: not a second 15 s wait on a login after it.
		if (refreshed.status === undefined) {
			throw sessionError(`PortalDuct login for ${String(credentials.email ?? '').trim()} failed: renewing the session got no answer (${refreshed.problem}).`);
		}
	}
	return await logIn(httpRequest, credentials);
}
