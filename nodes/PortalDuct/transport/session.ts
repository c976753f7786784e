/**
 * A PortalDuct session's whole life, in one place: reading the session stored in the credential,
 * deciding refresh or login, one renewal shared by the concurrent requests of this process, and
 * handing a new session to n8n to store.
 *
 * How n8n stores it: n8n persists a token only through the credential's `preAuthentication`, which
 * `httpRequestWithAuthentication` runs when the credential's first expirable field is '' (n8n
 * source: packages/core `httpRequestWithAuthentication`, packages/cli `credentials-helper`). So the
 * transport renews here, keeps the session in this process, and sends the next request through n8n
 * with an emptied copy of the token: n8n asks `preAuthentication` (`sessionToStore` below), which
 * answers with the kept session without a request, and n8n stores it. Every other request goes out
 * with the token as a plain Bearer header.
 *
 * Outcomes are values (`Renewal`), never read back out of error text. Errors and outcomes never
 * carry the password or a token.
 */
import { createHash } from 'node:crypto';
import {
	NodeOperationError,
	sleep,
	type ICredentialDataDecryptedObject,
	type ICredentialsDecrypted,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
} from 'n8n-workflow';

import {
	CREDENTIAL_TYPE,
	failureMarker,
	paths,
	readContentType,
	readJwtExpiry,
	readRetryAfter,
	readSaid,
	readTokenSet,
	saidInWords,
	type Said,
	type TokenSet,
} from '../api';
import { networkWords } from './network-words';

/**
 * How long a login or refresh may wait for its answer, in ms. Fixed: the credential's hook cannot
 * see the node's Timeout option, and a login that hangs must not hold every item of the run.
 */
export const SESSION_TIMEOUT_MS = 15_000;

/** `this.helpers.httpRequest` of whichever n8n context is asking. */
export type PlainHttpRequest = (options: IHttpRequestOptions) => Promise<unknown>;

/** The n8n contexts that read the credential: a node run, a trigger's hooks, a load-options call. */
export type CredentialContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions;

/** What logs in: the credential's fields, and the session it holds. */
export interface SessionCredentials {
	baseUrl: string;
	email: string;
	password: string;
	refreshToken?: string;
	/** The (possibly expired) access token of that session, sent as Bearer with the refresh [doc]. */
	accessToken?: string;
	/** `sessionOwner(baseUrl, email, password)` of the session the refresh token belongs to. */
	sessionOwner?: string;
}

export interface Session extends TokenSet {
	obtainedBy: 'login' | 'refresh';
	/** ISO time the access token stops working: from `expiresIn`, else the token's own JWT `exp`. */
	expiresAt?: string;
	/** ISO time the session is renewed, a little before `expiresAt` (session.ts renewalTimeOf). */
	renewAt?: string;
}

/** The session fields the credential stores (its hidden properties), as strings. */
export interface StoredSession {
	accessToken: string;
	refreshToken: string;
	/**
	 * ISO time from which the access token is no longer sent and the session is renewed instead: a
	 * little before the token stops working (Session.renewAt); '' when PortalDuct did not say.
	 */
	sessionExpiry: string;
	/** `sessionOwner(baseUrl, email, password)` the session was obtained for. */
	sessionOwner: string;
}

const SESSION_FIELDS = ['accessToken', 'refreshToken', 'sessionExpiry', 'sessionOwner'] as const;

/** The hint every refused login carries for the user. */
export const SESSION_HINT =
	'Check the PortalDuct credential: its Base URL (the sandbox or production host of this account), Email and Password.';

/** The hint for a login or refresh that got no answer: it says nothing about Email or Password. */
const UNREACHABLE_HINT =
	'Check the Base URL of the PortalDuct credential and that PortalDuct is up; after a dropped connection, running the workflow again usually works.';

/**
 * What getting a session came to:
 * - `session`: one to use; `handOver` is true for the one call that obtained it, which hands it to
 *   n8n to store (`sendWithSession`).
 * - `final`: no session to be had in this run (login refused, no answer, a Base URL that is not
 *   one); `message` and `hint` are for the user.
 * - `notNow`: PortalDuct answered the login or refresh with 429 or 5xx; wait and try again.
 *   `message` says so in words (it quotes PortalDuct), `retryAfter` is the header as sent (s).
 */
export type Renewal =
	| { kind: 'session'; session: StoredSession; handOver: boolean }
	| { kind: 'final'; message: string; hint: string }
	| { kind: 'notNow'; status: number; retryAfter?: string; message: string };

export type Obtained = { kind: 'session'; session: Session } | Exclude<Renewal, { kind: 'session' }>;

// ---------------------------------------------------------------------------------------------
// Whose session it is

/** Thrown (as a plain Error) for a Base URL that is not an http(s) address; callers place it. */
export function normalizeBaseUrl(raw: unknown): string {
	// Paths carry /v1 themselves: a Base URL copied with it would double it.
	const text = typeof raw === 'string' ? raw.trim().replace(/\/+$/, '').replace(/\/v1$/i, '') : '';
	if (!/^https?:\/\/[^/\s]+/i.test(text)) {
		throw new Error(
			`The PortalDuct credential's Base URL must be an http(s) address such as https://api.example.com, got "${text}". PortalDuct gives each account its sandbox and production hosts.`,
		);
	}
	return text;
}

/**
 * Who a session belongs to: `<Base URL as normalized>|<email, lower case>|<password fingerprint>`,
 * e.g. `https://api.example.com|ap@acme.com|3f9a0c1d2e4b5a67`. A token or refresh token obtained
 * for one owner is never sent anywhere else: after the user edits the Base URL, Email or Password,
 * the stored session counts as none, so a wrong new Password fails at once instead of riding on the
 * old session. The credential's `authenticate` compares with this too. The fingerprint is the first
 * 16 hex digits of a SHA-256 over the three (never the password itself). Throws like
 * `normalizeBaseUrl`.
 */
export function sessionOwner(baseUrl: unknown, email: unknown, password: unknown): string {
	const base = `${normalizeBaseUrl(baseUrl)}|${String(email ?? '').trim().toLowerCase()}`;
	const fingerprint = createHash('sha256')
		.update('portalduct-session-owner\u0000')
		.update(base)
		.update('\u0000')
		.update(String(password ?? ''))
		.digest('hex')
		.slice(0, 16);
	return `${base}|${fingerprint}`;
}

/**
 * A one-way key for an account in this process: the password is part of it, so a credential with a
 * wrong password never reaches a session another credential obtained. Hex SHA-256, never shown.
 */
export function sessionIdentity(owner: string, password: unknown): string {
	return createHash('sha256').update(owner).update('\u0000').update(String(password ?? '')).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// What this process knows of each account

/** One PortalDuct account (an identity) as this n8n instance knows it. */
export interface Account {
	/** The newest session obtained or seen by this n8n instance. */
	session?: StoredSession;
	/** The renewal in flight: every request that meets the same expired token waits for it. */
	renewal?: Promise<Renewal>;
	/** The re-read of the stored credential in flight after `token` was refused. */
	storedCheck?: { token: string; promise: Promise<StoredSession | undefined> };
	/** ms since epoch before which no request of the account is sent: the back-off a 429 asked for. */
	pausedUntil: number;
	/** Answers PortalDuct gave the account's requests that were not 429 (the 429 rule of request.ts `decide`). */
	answered: number;
}

/** Enough for every credential of a busy instance; the least recently used account is dropped past it. */
const MAX_ACCOUNTS = 500;

/**
 * Module state, on purpose: n8n keeps ONE session in the stored credential and has no lock across
 * the requests, items and executions that use it. Requests in flight together would each log in,
 * or each spend the single-use refresh token [assumed single-use], and a 429's back-off would not
 * reach the requests of the next execution. Every execution in the process shares this map.
 */
const accounts = new Map<string, Account>();

/** The account of `identity` (created on first use), most recently used last. */
export function accountOf(identity: string): Account {
	let account = accounts.get(identity);
	if (account) accounts.delete(identity);
	else account = { pausedUntil: 0, answered: 0 };
	accounts.set(identity, account);
	if (accounts.size > MAX_ACCOUNTS) accounts.delete(accounts.keys().next().value as string);
	return account;
}

/** The time a session stops working in ms since epoch; Infinity when unknown. */
function expiryOf(session: { sessionExpiry?: unknown }): number {
	const at = typeof session.sessionExpiry === 'string' ? Date.parse(session.sessionExpiry) : NaN;
	return Number.isFinite(at) ? at : Infinity;
}

/** The account's session, unless its expiry has passed. */
function liveSession(account: Account): StoredSession | undefined {
	return account.session && expiryOf(account.session) > Date.now() ? account.session : undefined;
}

/**
 * A session that is not `stale`: the kept one when someone already renewed (no request), the
 * renewal in flight when there is one, else `obtain()`'s. A failure reaches every waiter and is not
 * kept: the next caller tries again.
 */
async function renewOnce(
	account: Account,
	owner: string,
	stale: string,
	obtain: () => Promise<Obtained>,
): Promise<Renewal> {
	const current = liveSession(account);
	if (current && current.accessToken !== stale) return { kind: 'session', session: current, handOver: false };
	if (account.renewal) {
		const shared = await account.renewal;
		return shared.kind === 'session' ? { ...shared, handOver: false } : shared;
	}
	const renewal = (async (): Promise<Renewal> => {
		const got = await obtain();
		if (got.kind !== 'session') return got;
		const session: StoredSession = {
			accessToken: got.session.token,
			refreshToken: got.session.refreshToken ?? '',
			sessionExpiry: got.session.renewAt ?? '',
			sessionOwner: owner,
		};
		account.session = session;
		return { kind: 'session', session, handOver: true };
	})().finally(() => {
		account.renewal = undefined;
	});
	account.renewal = renewal;
	return await renewal;
}

// ---------------------------------------------------------------------------------------------
// Speaking to PortalDuct: login and refresh

/** What a login or refresh exchange came to: a session, or the HTTP status and the reason not. */
export interface Exchange {
	session?: Session;
	/** HTTP status of a refusal; undefined when PortalDuct could not be reached. */
	status?: number;
	/**
	 * PortalDuct said no: 401 or 403, or a 2xx whose body says it failed (`success: false`, ...;
	 * api.ts failureMarker). Undefined for other failures.
	 */
	refused?: boolean;
	/** e.g. `HTTP 401 with "Email or password is wrong" (invalid_credentials)`: PortalDuct's words, never a secret. */
	problem?: string;
	/** Retry-After of a 429 or 503, as sent. */
	retryAfter?: string;
}

/** Renewing starts this long before a token's end: a tenth of its lifetime, at most 30 s, in ms. */
export function renewalMargin(lifetimeMs: number): number {
	return Math.min(30_000, lifetimeMs / 10);
}

/**
 * When the token stops working, in ms since epoch: its lifetime from the answer (`expiresIn`, s),
 * else the `exp` of a JWT token. Undefined when neither says (the token is used until refused).
 */
export function tokenEndOf(tokens: TokenSet, now: number): number | undefined {
	return tokens.expiresIn ? now + tokens.expiresIn * 1000 : readJwtExpiry(tokens.token);
}

/**
 * When a session obtained at `now` and ending at `end` (ms since epoch) is renewed: `renewalMargin`
 * before its end, so it is renewed before PortalDuct would refuse it. Undefined when the end is
 * unknown, or already past by this clock (a clock far from PortalDuct's: used until refused).
 */
export function renewalTimeOf(end: number | undefined, now: number): number | undefined {
	if (end === undefined || !(end > now)) return undefined;
	return end - renewalMargin(end - now);
}

/** `HTTP 401 invalid_credentials: "Email or password is wrong"`, or what came instead of words. */
function problemOf(answer: string, said: Said): string {
	const words = said.message ? `"${said.message}"` : saidInWords(said);
	return `${answer}${said.code && said.message ? ` ${said.code}` : ''}: ${words}`;
}

async function exchange(
	httpRequest: PlainHttpRequest,
	baseUrl: string,
	path: string,
	body: IDataObject,
	obtainedBy: Session['obtainedBy'],
	bearer?: string,
): Promise<Exchange> {
	let response: { statusCode: number; body: unknown; headers?: IDataObject } | undefined;
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
		})) as { statusCode: number; body: unknown; headers?: IDataObject };
	} catch (error) {
		// Only the transport-level reason: the error object itself holds the request config.
		unreachable = String((error as { code?: string }).code ?? (error as Error).message ?? error);
	}
	if (!response) {
		// Worded, not the raw code: n8n replaces messages that contain codes like ECONNREFUSED.
		return { problem: `PortalDuct could not be reached at ${baseUrl}: ${networkWords[unreachable] ?? 'no answer came back'}` };
	}
	const { statusCode } = response;
	const said = readSaid(response.body, readContentType(response.headers));
	if (statusCode < 200 || statusCode > 299) {
		return {
			status: statusCode,
			refused: statusCode === 401 || statusCode === 403 || undefined,
			problem: problemOf(`HTTP ${statusCode}`, said),
			retryAfter: readRetryAfter(response.headers),
		};
	}
	// A refusal in a 2xx (`{"success": false, "message": ...}`): PortalDuct's words, the code kept.
	const marker = failureMarker(response.body);
	if (marker) return { status: statusCode, refused: true, problem: problemOf(`HTTP ${statusCode} with ${marker}`, said) };
	const tokens = readTokenSet(response.body);
	if (typeof tokens === 'string') {
		const words = readSaid(response.body);
		const quoted = words.message ? `; PortalDuct said ${saidInWords(words)}` : '';
		return { status: statusCode, problem: `PortalDuct's answer to ${path} was not understood: ${tokens}${quoted}` };
	}
	const now = Date.now();
	const end = tokenEndOf(tokens, now);
	const renewAt = renewalTimeOf(end, now);
	return {
		session: {
			...tokens,
			obtainedBy,
			expiresAt: end === undefined ? undefined : new Date(end).toISOString(),
			renewAt: renewAt === undefined ? undefined : new Date(renewAt).toISOString(),
		},
	};
}

/** 429 and 5xx say "not now" rather than "no": wait and try again. No answer at all stays final. */
const notNow = (outcome: Exchange) => outcome.status !== undefined && (outcome.status === 429 || outcome.status >= 500);

function notNowOf(what: string, outcome: Exchange): Obtained {
	const retry = outcome.retryAfter === undefined ? '' : ` (retry after ${outcome.retryAfter} s)`;
	return {
		kind: 'notNow',
		status: outcome.status as number,
		retryAfter: outcome.retryAfter,
		message: `PortalDuct could not ${what} just now: ${outcome.problem}${retry}.`,
	};
}

const final = (message: string, hint = SESSION_HINT): Obtained => ({ kind: 'final', message, hint });

/** Logs in with email and password. Never throws: a Base URL that is not one is a `final` outcome. */
export async function logIn(httpRequest: PlainHttpRequest, credentials: SessionCredentials): Promise<Obtained> {
	let baseUrl: string;
	try {
		baseUrl = normalizeBaseUrl(credentials.baseUrl);
	} catch (error) {
		return final((error as Error).message);
	}
	const email = String(credentials.email ?? '').trim();
	if (!email || !credentials.password) {
		return final('The PortalDuct credential needs both an Email and a Password to log in.');
	}
	const result = await exchange(httpRequest, baseUrl, paths.login, { email, password: credentials.password }, 'login');
	if (result.session) return { kind: 'session', session: result.session };
	if (result.refused) {
		return final(
			`PortalDuct refused the login for ${email} (${result.problem}). Check the Email and Password in the PortalDuct credential, and that the Base URL is the environment (sandbox or production) this account belongs to.`,
		);
	}
	if (notNow(result)) return notNowOf(`log in ${email}`, result);
	return final(`PortalDuct login for ${email} failed: ${result.problem}.`, result.status === undefined ? UNREACHABLE_HINT : SESSION_HINT);
}

/** Trades a refresh token for a new session (the Auth action words a refusal from the outcome). */
export async function refresh(
	httpRequest: PlainHttpRequest,
	baseUrl: string,
	refreshToken: string,
	accessToken?: string,
): Promise<Exchange> {
	return await exchange(httpRequest, normalizeBaseUrl(baseUrl), paths.renewal, { refreshToken }, 'refresh', accessToken);
}

/**
 * A fresh session the cheapest way: refresh when a refresh token of this owner is held (single-use
 * [assumed], so a refused one is normal after another process used it), else, or when refused, log in.
 */
async function obtainSession(httpRequest: PlainHttpRequest, credentials: SessionCredentials): Promise<Obtained> {
	// A refresh token from another Base URL, Email or Password must not be used: log in instead.
	let owned = false;
	try {
		owned = credentials.sessionOwner === sessionOwner(credentials.baseUrl, credentials.email, credentials.password);
	} catch {
		// The login below says what is wrong with the Base URL.
	}
	if (credentials.refreshToken && owned) {
		const refreshed = await refresh(httpRequest, credentials.baseUrl, credentials.refreshToken, credentials.accessToken);
		if (refreshed.session) return { kind: 'session', session: refreshed.session };
		// "Not now" keeps the refresh token for the next try; only a refusal or no endpoint means login.
		if (notNow(refreshed)) return notNowOf('renew the session', refreshed);
		// No answer at all is final, as for a login: not a second 15 s wait on a login after it.
		if (refreshed.status === undefined) {
			return final(
				`PortalDuct login for ${String(credentials.email ?? '').trim()} failed: renewing the session got no answer (${refreshed.problem}).`,
				UNREACHABLE_HINT,
			);
		}
	}
	return await logIn(httpRequest, credentials);
}

// ---------------------------------------------------------------------------------------------
// The credential's side: preAuthentication

/**
 * What the credential's `preAuthentication` returns for n8n to store: the session this process
 * just obtained (a hand-over, no request), else a renewal of its own (the HTTP Request node, the
 * credential test, a first use). Throws an Error with PortalDuct's words when no session is had;
 * n8n shows it.
 */
export async function sessionToStore(
	httpRequest: PlainHttpRequest,
	credentials: ICredentialDataDecryptedObject,
): Promise<StoredSession> {
	const owner = sessionOwner(credentials.baseUrl, credentials.email, credentials.password);
	const account = accountOf(sessionIdentity(owner, credentials.password));
	const stale = credentials.sessionOwner === owner ? String(credentials.accessToken ?? '') : '';
	const outcome = await renewOnce(account, owner, stale, async () =>
		await obtainSession(httpRequest, {
			...sessionCredentialsOf(credentials),
			accessToken: stale || undefined,
		}),
	);
	if (outcome.kind === 'session') return outcome.session;
	throw new Error(outcome.message);
}

function sessionCredentialsOf(data: ICredentialDataDecryptedObject): SessionCredentials {
	return {
		baseUrl: data.baseUrl as string,
		email: data.email as string,
		password: data.password as string,
		refreshToken: (data.refreshToken as string) || undefined,
		accessToken: (data.accessToken as string) || undefined,
		sessionOwner: data.sessionOwner as string,
	};
}

// ---------------------------------------------------------------------------------------------
// The node's side: the stored session, renewals, sending with it

/** The PortalDuct credential as it resolves for one item, with the session to use for it. */
export interface ResolvedCredential {
	/** The Base URL without trailing slash or /v1, e.g. `https://api.example.com`. */
	baseUrl: string;
	/** `sessionOwner()` of this Base URL, email and password: whom a session obtained with it belongs to. */
	owner: string;
	/** `sessionIdentity()` of this Base URL, email and password. */
	identity: string;
	account: Account;
	/** What n8n's request helper takes as `credentialsDecrypted`; `data` holds the session to send. */
	decrypted: ICredentialsDecrypted;
	/** Set by a renewal this credential led: its next send hands the session to n8n to store. */
	handOver?: boolean;
	/** The token PortalDuct last refused for this credential: the refresh sends it as its Bearer. */
	refused?: string;
}

/**
 * Reads the credential for `itemIndex` (item 0 where the context has no items) and picks the
 * session: the stored one only if it was obtained for this Base URL, Email and Password; the one this
 * process holds for the account when that is newer; else none, so the first send logs in.
 * Throws NodeOperationError when the Base URL is not an http(s) address.
 */
export async function readCredential(ctx: CredentialContext, itemIndex?: number): Promise<ResolvedCredential> {
	const data = (await (ctx as IExecuteFunctions).getCredentials(CREDENTIAL_TYPE, itemIndex)) as ICredentialDataDecryptedObject;
	let baseUrl: string;
	let owner: string;
	try {
		baseUrl = normalizeBaseUrl(data.baseUrl);
		owner = sessionOwner(baseUrl, data.email, data.password);
	} catch (error) {
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, { itemIndex });
	}
	if (data.sessionOwner !== owner) {
		// Obtained for another Base URL, Email or Password: nothing of it may be sent here.
		Object.assign(data, { accessToken: '', refreshToken: '', sessionExpiry: '' });
	}
	const identity = sessionIdentity(owner, data.password);
	const reference = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	const credential: ResolvedCredential = {
		baseUrl,
		owner,
		identity,
		account: accountOf(identity),
		decrypted: { id: reference?.id ?? '', name: reference?.name ?? CREDENTIAL_TYPE, type: CREDENTIAL_TYPE, data },
	};
	adoptKeptSession(credential);
	return credential;
}

/**
 * Switches to the session this process holds for the account when it is newer (another item or
 * execution renewed it), so a renewal reaches every later request without a 401 first.
 */
function adoptKeptSession(credential: ResolvedCredential): void {
	const data = credential.decrypted.data as ICredentialDataDecryptedObject;
	const held = liveSession(credential.account);
	if (!held || held.accessToken === data.accessToken) return;
	if (data.accessToken === '' || expiryOf(held) >= expiryOf(data)) Object.assign(data, held);
}

/**
 * A session to send with: the credential's (or a newer one of this process), else a renewal, shared
 * with the other requests of the account that need one now.
 */
export async function sessionFor(ctx: CredentialContext, credential: ResolvedCredential): Promise<Renewal> {
	adoptKeptSession(credential);
	const data = credential.decrypted.data as ICredentialDataDecryptedObject;
	if (data.accessToken && expiryOf(data) <= Date.now()) {
		// Its time is up (sessionExpiry: a little before the token's end): renewed now, before
		// PortalDuct refuses it; the refresh sends it along as its Bearer, as after a refusal.
		credential.refused = String(data.accessToken);
		data.accessToken = '';
	}
	if (data.accessToken) return { kind: 'session', session: pick(data), handOver: false };
	const refused = credential.refused;
	const outcome = await renewOnce(credential.account, credential.owner, refused ?? '', async () =>
		await obtainSession((options) => ctx.helpers.httpRequest(options), {
			...sessionCredentialsOf(data),
			accessToken: refused,
		}),
	);
	if (outcome.kind === 'session') {
		Object.assign(data, outcome.session);
		// Only ever set here: another request sharing this credential may have led the renewal, and
		// its hand-over must not be cancelled by a request that merely waited for it.
		if (outcome.handOver) credential.handOver = true;
		credential.refused = undefined;
	}
	return outcome;
}

function pick(data: ICredentialDataDecryptedObject): StoredSession {
	const session = {} as StoredSession;
	for (const field of SESSION_FIELDS) session[field] = String(data[field] ?? '');
	return session;
}

/**
 * After PortalDuct refused `token` (401): takes the session stored in n8n when another process
 * renewed meanwhile, so processes sharing an account do not end each other's sessions by renewing
 * in turn; otherwise empties the token, so the next `sessionFor` renews (sending `token` along).
 */
export async function afterRefusal(
	ctx: CredentialContext,
	credential: ResolvedCredential,
	token: string,
	itemIndex?: number,
): Promise<void> {
	const data = credential.decrypted.data as ICredentialDataDecryptedObject;
	// Another request of this credential moved on to a newer session already: nothing to check.
	if (data.accessToken !== token || token === '') return;
	const stored = await storedSessionSince(ctx, credential, token, itemIndex);
	if (data.accessToken !== token) return;
	if (stored) {
		Object.assign(data, stored);
		return;
	}
	const account = credential.account;
	if (account.session?.accessToken === token) account.session = undefined;
	credential.refused = token;
	data.accessToken = '';
}

/**
 * The session stored in n8n if another process stored one since `refused` (read again, not from
 * this run's copy): read at once, and once more after a moment's wait, since another process that
 * just renewed (and so ended this token, on an account with one session at a time) stores its
 * session right after. Requests refused with the same token share one check.
 */
function storedSessionSince(
	ctx: CredentialContext,
	credential: ResolvedCredential,
	refused: string,
	itemIndex?: number,
): Promise<StoredSession | undefined> {
	const account = credential.account;
	if (account.storedCheck?.token === refused) return account.storedCheck.promise;
	const newer = async () => {
		const stored = (await readCredential(ctx, itemIndex)).decrypted.data as ICredentialDataDecryptedObject;
		return stored.accessToken && stored.accessToken !== refused ? pick(stored) : undefined;
	};
	const promise = (async () => {
		const now = await newer();
		if (now) return now;
		await sleep(100 + Math.random() * 200);
		return await newer();
	})().finally(() => {
		if (account.storedCheck?.promise === promise) account.storedCheck = undefined;
	});
	account.storedCheck = { token: refused, promise };
	return promise;
}

/**
 * Sends one request with the credential's session: as a Bearer header, or, right after a renewal
 * this credential led, through n8n's `httpRequestWithAuthentication` with an emptied copy of the
 * token, so n8n runs the credential's preAuthentication (which answers with this session) and stores
 * it. Returns n8n's full response; throws what n8n throws for a failed request.
 */
export async function sendWithSession(
	ctx: CredentialContext,
	credential: ResolvedCredential,
	options: IHttpRequestOptions,
): Promise<unknown> {
	const data = credential.decrypted.data as ICredentialDataDecryptedObject;
	if (credential.handOver) {
		credential.handOver = false;
		const copy: ICredentialsDecrypted = { ...credential.decrypted, data: { ...data, accessToken: '' } };
		return await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options, {
			credentialsDecrypted: copy,
			// 401s are the transport's to handle, not n8n's own one refresh (n8n 2.x reads this option).
			preAuthenticationRetryStatusCode: [],
		} as never);
	}
	return await ctx.helpers.httpRequest({
		...options,
		headers: { ...options.headers, Authorization: `Bearer ${String(data.accessToken)}` },
	});
}
