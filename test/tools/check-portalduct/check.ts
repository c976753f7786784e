/**
 * `npm run check:portalduct`: runs the package's own readers (nodes/PortalDuct/api) against a real
 * PortalDuct account and tells, for every assumed fact of docs/openapi.yaml, whether it held, differed
 * (and what came instead) or was not tried (and why). Read-only unless `write` is set.
 *
 * What it reports of an answer: status codes, content types, field NAMES and vocabulary words
 * (invoice status). Never a value that may be a secret: no token, no password, no message text.
 */
import { randomUUID } from 'node:crypto';
import { FACTS, type Copes, type FactId, type FactResult } from './facts';
import { createHttp, Unreachable, type Answer, type Http } from './http';

/**
 * The package's readers the check runs (nodes/PortalDuct/api, passed in: the test hands the
 * sources, the CLI the built dist/). Typed by shape so that tsconfig.test-build.json (rootDir test/)
 * need not compile nodes/; `npm run typecheck` checks that the real module fits.
 */
export interface PackageReaders {
	readTokenSet(body: unknown): { token: string; refreshToken?: string; expiresIn?: number } | string;
	readErrorBody(body: unknown): { code?: string; message?: string };
	/** `continuation` (its `field` as PortalDuct wrote it) when the package reads and follows one. */
	readInvoicePage(body: unknown): { invoices: unknown[]; total?: number; complete: boolean; continuation?: { field?: string } } | string;
	/** When the package exports one; else the check reads as transport/registration.ts does. */
	readRegistration?(body: unknown): { url: string; webhookId?: string } | undefined;
	/** What a failed answer said, any shape (text, HTML), when the package has that reader. */
	readSaid?(body: unknown, contentType?: string): { code?: string; message?: string; instead?: string };
	/** What marks a 2xx answer as a refusal, when the package has that reader. */
	failureMarker?(body: unknown): string | undefined;
	/** A record's field by its contract name or in snake_case, when the package has that reader. */
	fieldOf?(record: Record<string, unknown>, name: string): unknown;
	/** A JWT's exp (ms), when the package has that reader. */
	readJwtExpiry?(token: string): number | undefined;
}

export interface CheckOptions {
	baseUrl: string;
	email: string;
	password: string;
	/** A client UUID of the account: its balance is read. */
	client?: string;
	/** A connection UUID of the account: one page of its invoices is read (two when it has more). */
	connection?: string;
	/** Allow the changes the check can undo: register, replace and remove a webhook registration. */
	write?: boolean;
	/** The URL registered with `write` (default: a loopback address nothing listens on). */
	webhookUrl?: string;
	timeoutMs?: number;
}

export interface CheckReport {
	/** The base URL without user name, password, query or fragment. */
	target: string;
	write: boolean;
	results: FactResult[];
	/** 0 every fact held or was not tried; 1 something differed; 2 the check could not run. */
	exitCode: 0 | 1 | 2;
	/** Why the check stopped early (exit 2), in words fit to print. */
	stopped?: string;
}

export const DEFAULT_WEBHOOK_URL = 'http://127.0.0.1:9/portalduct-check';

const contract = {
	loginKeys: ['token', 'refreshToken', 'expiresIn'],
	pageKeys: ['data', 'page', 'pageSize', 'total'],
	invoiceKeys: ['invoiceId', 'invoiceNumber', 'poNumber', 'portalName', 'amount', 'currency', 'invoiceDate', 'dueDate', 'status'],
	invoiceOptional: ['paidDate'],
	invoiceStatuses: ['open', 'paid', 'overdue', 'disputed'],
	balanceKeys: ['clientUUID', 'currency', 'totalOutstanding', 'totalOverdue', 'openInvoices', 'asOf', 'byPortal'],
	byPortalKeys: ['portalName', 'connection_uuid', 'outstanding', 'overdue'],
	registrationKeys: ['webhookId', 'url'],
	errorKeys: ['error', 'message'],
	/** Fields by which an invoice page may point at the next page instead of page numbers. */
	continuationKeys: ['next', 'nextPage', 'next_page', 'links', 'nextCursor', 'next_cursor', 'cursor', 'hasMore', 'has_more', 'nextUrl', 'next_url'],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The field names of a JSON value, one level (and `data.` one more when it wraps an object). */
function namesOf(value: unknown): string {
	if (Array.isArray(value)) return 'a JSON array';
	if (!isObject(value)) return 'no JSON object';
	const keys = Object.keys(value);
	if (keys.length === 0) return 'an empty object';
	return keys.map((k) => (isObject(value[k]) && k === 'data' ? `data.{${Object.keys(value[k] as object).join(', ')}}` : k)).join(', ');
}

/** What an answer was, in words: status, content type, field names. Never values. */
function shapeOf(answer: Answer): string {
	const type = answer.contentType || 'no content type';
	if (answer.json) return `HTTP ${answer.status} ${type} {${namesOf(answer.body)}}`;
	const text = typeof answer.body === 'string' ? answer.body : '';
	return `HTTP ${answer.status} ${type}${text.trim() === '' ? ', empty body' : /<html|<!doctype/i.test(text) ? ', an HTML page' : ', text'}`;
}

/** Whether a JSON answer says "refused" in its body even though its status is 2xx. */
function isRefusalBody(answer: Answer): boolean {
	if (!isObject(answer.body)) return false;
	const b = answer.body;
	return b.success === false || b.ok === false || (b.status === 'error' && typeof b.message === 'string') || Array.isArray(b.errors);
}

/** The segments of a JWT's payload, when the token is one: whether it carries `exp`. */
function jwtHasExp(token: string): boolean | undefined {
	const parts = token.split('.');
	if (parts.length !== 3) return undefined;
	try {
		const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		return isObject(payload) ? typeof payload.exp === 'number' : undefined;
	} catch {
		return undefined;
	}
}

/** Reads a registration as nodes/PortalDuct/transport/registration.ts does (its reader is not exported). */
function readRegistrationAsThePackage(body: unknown): { url: string; webhookId?: string } | undefined {
	if (!isObject(body)) return undefined;
	const inner = isObject(body.data) ? body.data : body;
	if (typeof inner.url !== 'string') return undefined;
	const id = inner.webhookId ?? inner.id;
	return { url: inner.url, webhookId: id === undefined ? undefined : String(id) };
}

const missing = (expected: string[], got: string[]) => expected.filter((k) => !got.includes(k));
const extra = (expected: string[], got: string[]) => got.filter((k) => !expected.includes(k));

export async function runCheck(options: CheckOptions, readers: PackageReaders, http?: Http): Promise<CheckReport> {
	const target = safeTarget(options.baseUrl);
	const client = http ?? createHttp(options.baseUrl, options.timeoutMs);
	const results = new Map<FactId, FactResult>();
	const contractOf = (id: FactId) => FACTS.find((f) => f.id === id)!.contract;
	const held = (id: FactId, detail?: string) => results.set(id, { id, contract: contractOf(id), outcome: 'held', detail });
	const differed = (id: FactId, detail: string, copes: Copes, copesNote?: string) =>
		results.set(id, { id, contract: contractOf(id), outcome: 'differed', detail, copes, copesNote });
	const notTried = (id: FactId, why: string) => {
		if (!results.has(id)) results.set(id, { id, contract: contractOf(id), outcome: 'not tried', detail: why });
	};
	const readRegistration = readers.readRegistration ?? readRegistrationAsThePackage;
	/** Whether the package's readers find PortalDuct's words (or say what came instead) in a refusal. */
	const saysWhy = (answer: Answer): boolean => {
		if (readers.readSaid) {
			const said = readers.readSaid(answer.body, answer.contentType);
			return Boolean(said.message || said.code || said.instead);
		}
		return Boolean(readers.readErrorBody(answer.body).message);
	};
	/** A 2xx refusal is coped with only when the package recognises it as one. */
	const takenAsRefusal = (answer: Answer): boolean =>
		answer.status >= 300 || Boolean(readers.failureMarker?.(answer.body));
	const errorCopes = (answer: Answer): Copes => (!takenAsRefusal(answer) ? 'no' : saysWhy(answer) ? 'yes' : 'partly');
	const errorCopesNote = (answer: Answer) =>
		!takenAsRefusal(answer)
			? 'the package takes this 2xx answer as a result'
			: saysWhy(answer)
				? undefined
				: "the package reports the HTTP status without PortalDuct's words";

	let stopped: string | undefined;
	try {
		stopped = await probe();
	} catch (error) {
		if (!(error instanceof Unreachable)) throw error;
		stopped = `PortalDuct could not be reached: ${error.message}`;
	}

	for (const fact of FACTS) notTried(fact.id, stopped ? 'the check stopped before it (see above)' : 'not reached');
	const ordered = FACTS.map((f) => results.get(f.id)!);
	const exitCode = stopped ? 2 : ordered.some((r) => r.outcome === 'differed') ? 1 : 0;
	return { target, write: Boolean(options.write), results: ordered, exitCode, stopped };

	async function probe(): Promise<string | undefined> {
		// --- login -------------------------------------------------------------------------------
		const login = await client.send({ method: 'POST', path: '/v1/login', body: { email: options.email, password: options.password } });
		if (login.status === 401 || login.status === 403) {
			return `login with the email and password given was refused (HTTP ${login.status}): check them, or the Base URL (sandbox and production have separate logins)`;
		}
		if (login.status === 404) return `POST /v1/login answered 404: is the Base URL right? (it is the address before /v1, ${target})`;
		const tokens = login.status >= 200 && login.status < 300 ? readers.readTokenSet(login.body) : 'not 2xx';
		if (typeof tokens === 'string') {
			if (login.status === 400 || login.status === 422) {
				differed('login.body', `${shapeOf(login)} to {email, password}`, 'no', 'the package sends {email, password}');
			} else if (login.status >= 200 && login.status < 300 && isRefusalBody(login)) {
				return `login with the email and password given was refused (${shapeOf(login)}): check them`;
			} else {
				differed('login.token', `${shapeOf(login)}: no token the package can read`, 'no');
			}
			return `login did not give a token the package can read (${shapeOf(login)}); the other facts need one`;
		}
		held('login.body');
		const loginBody = isObject(login.body) ? login.body : {};
		const inData = !('token' in loginBody) && isObject(loginBody.data);
		const tokenSource = inData ? (loginBody.data as Record<string, unknown>) : loginBody;
		const where = inData ? 'data.' : '';
		if (typeof loginBody.token === 'string') held('login.token');
		else {
			const name = ['accessToken', 'access_token', 'token', 'jwt', 'idToken', 'id_token'].find((n) => typeof tokenSource[n] === 'string');
			differed('login.token', `${name ? `${where}${name}` : 'another name'} (answer: {${namesOf(login.body)}})`, 'yes');
		}
		if (typeof loginBody.refreshToken === 'string') held('login.refreshToken');
		else {
			const name = ['refresh_token', 'refreshToken'].find((n) => typeof tokenSource[n] === 'string');
			differed(
				'login.refreshToken',
				name ? `${where}${name}` : `no refresh token (answer: {${namesOf(login.body)}})`,
				tokens.refreshToken ? 'yes' : 'partly',
				tokens.refreshToken ? undefined : 'without one the package logs in again when the token ends',
			);
		}
		if (typeof loginBody.expiresIn === 'number') held('login.expiresIn');
		else {
			const name = ['expires_in', 'expiresIn', 'expiresAt', 'expires_at', 'exp'].find((n) => tokenSource[n] !== undefined);
			const jwt = jwtHasExp(tokens.token);
			const what = name
				? `${where}${name}`
				: `no lifetime in the answer${jwt === true ? ' (the token is a JWT with an exp claim)' : jwt === false ? ' (the token is a JWT without exp)' : ''}`;
			differed(
				'login.expiresIn',
				what,
				tokens.expiresIn || readers.readJwtExpiry?.(tokens.token) ? 'yes' : 'partly',
				tokens.expiresIn
					? undefined
					: readers.readJwtExpiry?.(tokens.token)
						? "the JWT's exp gives the lifetime"
						: 'no lifetime read: the package renews when PortalDuct answers 401',
			);
		}

		// --- a wrong password (one failed login) ---------------------------------------------------
		const bad = await client.send({ method: 'POST', path: '/v1/login', body: { email: options.email, password: `wrong-${randomUUID()}` } });
		if (bad.status === 401) held('login.badCredentials');
		else {
			const refused = bad.status >= 400 || typeof readers.readTokenSet(bad.body) === 'string';
			differed(
				'login.badCredentials',
				shapeOf(bad),
				refused ? (saysWhy(bad) ? 'yes' : 'partly') : 'no',
				refused ? (saysWhy(bad) ? "the login fails with PortalDuct's words" : "the login fails, without PortalDuct's words") : 'a wrong password was not refused',
			);
		}

		// --- refresh -------------------------------------------------------------------------------
		let token = tokens.token;
		if (!tokens.refreshToken) {
			notTried('refresh.path', 'the login answer had no refresh token the package could read');
			notTried('refresh.singleUse', 'the login answer had no refresh token the package could read');
		} else {
			const refresh = await client.send({ method: 'POST', path: '/v1/refreshToken', body: { refreshToken: tokens.refreshToken } });
			const renewed = refresh.status >= 200 && refresh.status < 300 ? readers.readTokenSet(refresh.body) : 'not 2xx';
			if (typeof renewed !== 'string') {
				const sameNames = namesOf(refresh.body) === namesOf(login.body);
				if (sameNames) held('refresh.path');
				else differed('refresh.path', `answer {${namesOf(refresh.body)}}, login's was {${namesOf(login.body)}}`, 'yes');
				token = renewed.token;
				const again = await client.send({ method: 'POST', path: '/v1/refreshToken', body: { refreshToken: tokens.refreshToken } });
				if (again.status === 401) held('refresh.singleUse');
				else if (again.status >= 200 && again.status < 300 && typeof readers.readTokenSet(again.body) !== 'string') {
					differed('refresh.singleUse', `the used refresh token was accepted again (HTTP ${again.status})`, 'yes', 'the package never uses one twice');
				} else differed('refresh.singleUse', `${shapeOf(again)} to a used refresh token`, 'yes', 'refused, so the package logs in again');
			} else {
				differed(
					'refresh.path',
					`${shapeOf(refresh)}${refresh.status === 404 ? ' (no refresh at this path)' : ''}`,
					'partly',
					'the package logs in again when a refresh fails',
				);
				notTried('refresh.singleUse', 'the refresh itself did not work');
			}
		}

		// --- an unknown token ----------------------------------------------------------------------
		// On the balance (a [doc] path every PortalDuct serves), not on the registration, whose GET may not exist.
		const unknown = await client.send({ method: 'GET', path: `/v1/getClientBalance/${randomUUID()}`, token: `check-${randomUUID()}` });
		if (unknown.status === 401) held('auth.unknownToken', 'an unknown token; an expired one was not tried (it takes the token lifetime)');
		else {
			// Any other refusal fails the request (with PortalDuct's words when the readers find them) but
			// never renews the session: an expired token answered this way would fail until a new login.
			differed(
				'auth.unknownToken',
				`${shapeOf(unknown)} to an unknown token`,
				errorCopes(unknown) === 'no' ? 'no' : 'partly',
				'the package renews its session on a 401 only',
			);
		}

		// --- the registration (read) ---------------------------------------------------------------
		const registration = await client.send({ method: 'GET', path: '/v1/clientsPortalLoginChanges', token });
		let hadRegistration: boolean | undefined;
		if (registration.status === 404) {
			held('registration.get', '404: the account has no registration');
			hadRegistration = false;
		} else if (registration.status === 200 && !isRefusalBody(registration)) {
			const read = readRegistration(registration.body);
			const names = isObject(registration.body) ? Object.keys(registration.body) : [];
			hadRegistration = true;
			if (missing(contract.registrationKeys, names).length === 0) held('registration.get', '200: the account has a registration');
			else {
				differed(
					'registration.get',
					`{${namesOf(registration.body)}}`,
					read?.webhookId ? 'yes' : read ? 'partly' : 'no',
					read?.webhookId ? undefined : read ? 'the URL is read, the webhook id is not' : 'the package finds no url in it',
				);
			}
		} else {
			const notOffered = [405, 501].includes(registration.status);
			differed(
				'registration.get',
				`${shapeOf(registration)}${registration.status === 405 || registration.status === 501 ? ' (GET not offered: POST-only registration?)' : ''}`,
				notOffered || errorCopes(registration) === 'yes' ? 'partly' : errorCopes(registration),
				notOffered
					? "the trigger registers when published; Webhook > Get and Remove fail, quoting PortalDuct's status"
					: errorCopes(registration) === 'yes'
						? "Webhook > Get fails with PortalDuct's words rather than saying nothing is registered"
						: errorCopesNote(registration),
			);
		}

		// --- the registration (write: only what can be undone) -------------------------------------
		const writeNotes = 'only with --write (it registers a webhook URL, replaces it, then removes it)';
		if (!options.write) {
			for (const id of ['registration.post', 'registration.replace', 'registration.delete'] as const) notTried(id, writeNotes);
		} else if (hadRegistration !== false) {
			const why =
				hadRegistration === true
					? 'the account has a registration: its secret cannot be read back, so the check will not replace it'
					: 'the check cannot see whether the account has a registration, so it will not risk replacing one';
			for (const id of ['registration.post', 'registration.replace', 'registration.delete'] as const) notTried(id, why);
		} else {
			await writeRegistration(token);
		}

		// --- errors, unknown ids ------------------------------------------------------------------
		const noClient = await client.send({ method: 'GET', path: `/v1/getClientBalance/${randomUUID()}`, token });
		judgeNotFound('balance.unknown', noClient);
		judgeErrorBody(noClient);
		const noConnection = await client.send({ method: 'GET', path: `/v1/getClientInvoices/${randomUUID()}`, token, query: { page: '1', pageSize: '1' } });
		judgeNotFound('invoices.unknown', noConnection);

		// --- invoices ------------------------------------------------------------------------------
		if (!options.connection) {
			for (const id of ['invoices.page', 'invoices.query', 'invoices.fields'] as const) notTried(id, 'give --connection <connection_uuid> of the account');
		} else await checkInvoices(token, options.connection);

		// --- balance -------------------------------------------------------------------------------
		if (!options.client) notTried('balance.fields', 'give --client <clientUUID> of the account');
		else await checkBalance(token, options.client);

		// --- what the check cannot see -------------------------------------------------------------
		if (client.seen429.length === 0) notTried('errors.retryAfter', 'no 429 came during the check');
		else if (client.seen429.every((s) => s.retryAfter !== undefined)) held('errors.retryAfter', `${client.seen429.length} x 429, each with Retry-After`);
		else differed('errors.retryAfter', '429 without Retry-After', 'yes', 'the package waits its own back-off');
		notTried('records.create', 'the check creates no customers or clients (PortalDuct has no way to delete them); compare a Customer > Create item with the Customer schema in docs/openapi.yaml');
		const delivery = 'the check cannot receive deliveries: register a PortalDuct Trigger, let a portal login change, and compare its item';
		notTried('deliveries.payload', delivery);
		notTried('deliveries.status', `${delivery} (a status it does not know comes as "other", the word kept)`);
		notTried('deliveries.signature', `${delivery}: a signed delivery still runs the workflow with the trigger's Options > Require Signatures on`);
		notTried('deliveries.retries', `${delivery} (answer one with a 500 to see it again)`);
		return undefined;
	}

	function judgeNotFound(id: FactId, answer: Answer) {
		if (answer.status === 404) held(id);
		else differed(id, `${shapeOf(answer)} to an id the account does not have`, errorCopes(answer), errorCopesNote(answer));
	}

	function judgeErrorBody(answer: Answer) {
		const names = isObject(answer.body) ? Object.keys(answer.body) : [];
		const ok =
			answer.status >= 400 && answer.contentType === 'application/json' && answer.json && missing(contract.errorKeys, names).length === 0;
		if (ok) held('errors.body', `from ${shapeOf(answer)}`);
		else {
			const extraWords = answer.status < 300 ? ' (a refusal inside a success status)' : '';
			differed('errors.body', `${shapeOf(answer)}${extraWords}`, errorCopes(answer), errorCopesNote(answer));
		}
	}

	async function writeRegistration(token: string) {
		const first = options.webhookUrl ?? DEFAULT_WEBHOOK_URL;
		const second = `${first}${first.includes('?') ? '&' : '?'}replaced=1`;
		let registered = false;
		try {
			const post = await client.send({ method: 'POST', path: '/v1/clientsPortalLoginChanges', token, body: { url: first } });
			const read = post.status >= 200 && post.status < 300 ? readRegistration(post.body) : undefined;
			registered = post.status >= 200 && post.status < 300;
			const names = isObject(post.body) ? Object.keys(post.body) : [];
			if (post.status === 201 && missing(contract.registrationKeys, names).length === 0) held('registration.post');
			else if (registered) {
				differed('registration.post', shapeOf(post), read?.webhookId ? 'yes' : 'partly', read?.webhookId ? undefined : 'the webhook id is not read; the URL the node sent is kept');
			} else {
				differed('registration.post', `${shapeOf(post)} to {url}${first === DEFAULT_WEBHOOK_URL ? ' (try --webhook-url with a public https address)' : ''}`, errorCopes(post), errorCopesNote(post));
				notTried('registration.replace', 'registering did not work');
				notTried('registration.delete', 'registering did not work');
				return;
			}
			const replace = await client.send({ method: 'POST', path: '/v1/clientsPortalLoginChanges', token, body: { url: second } });
			const now = await client.send({ method: 'GET', path: '/v1/clientsPortalLoginChanges', token });
			const nowUrl = now.status === 200 ? readRegistration(now.body)?.url : undefined;
			if (replace.status >= 300) differed('registration.replace', `${shapeOf(replace)} to a second registration`, errorCopes(replace), errorCopesNote(replace));
			else if (nowUrl === second) held('registration.replace');
			else if (nowUrl === first) differed('registration.replace', 'the first URL stayed registered after a second POST', 'partly', 'the trigger expects its URL to be the registered one');
			else notTried('registration.replace', `the registration could not be read back (${shapeOf(now)})`);
		} finally {
			if (registered) {
				const del = await client.send({ method: 'DELETE', path: '/v1/clientsPortalLoginChanges', token });
				const again = await client.send({ method: 'DELETE', path: '/v1/clientsPortalLoginChanges', token });
				if ((del.status === 204 || del.status === 200) && again.status === 404) {
					held('registration.delete', del.status === 200 ? 'answered 200 rather than 204' : undefined);
				} else {
					differed(
						'registration.delete',
						`${shapeOf(del)}, then ${shapeOf(again)}`,
						del.status < 300 ? 'partly' : 'no',
						del.status < 300 ? 'removed; a second remove is not told apart' : 'Webhook > Remove does not work this way; the check left the registration in place: remove it in PortalDuct',
					);
				}
			}
		}
	}

	async function checkInvoices(token: string, connection: string) {
		const pageSize = 2;
		const path = `/v1/getClientInvoices/${encodeURIComponent(connection)}`;
		const first = await client.send({ method: 'GET', path, token, query: { page: '1', pageSize: String(pageSize) } });
		if (first.status !== 200 || isRefusalBody(first)) {
			const why = `the connection's invoices were not served (${shapeOf(first)}): is --connection a connection_uuid of this account?`;
			for (const id of ['invoices.page', 'invoices.query', 'invoices.fields'] as const) notTried(id, why);
			return;
		}
		const page = readers.readInvoicePage(first.body);
		const names = isObject(first.body) ? Object.keys(first.body) : [];
		const list: unknown[] = typeof page === 'string' ? [] : page.invoices;
		// A continuation the package's reader found (and so follows), e.g. under `links` or `meta`.
		const readContinuation = typeof page === 'string' ? undefined : page.continuation;
		const followed = readContinuation !== undefined;
		const continuation = [
			...new Set([
				...names.filter((k) => contract.continuationKeys.includes(k)),
				...(readContinuation?.field ? [readContinuation.field] : []),
			]),
		];
		if (Array.isArray(first.body)) held('invoices.page', "a plain array: the contract's other form (everything in one answer)");
		else if (missing(contract.pageKeys, names).length === 0 && continuation.length === 0) held('invoices.page');
		else {
			const detail = [
				missing(contract.pageKeys, names).length ? `no ${missing(contract.pageKeys, names).join(', ')}` : '',
				continuation.length ? `a continuation: ${continuation.join(', ')}` : '',
				`answer {${namesOf(first.body)}}`,
			].filter(Boolean).join('; ');
			const copes: Copes = typeof page === 'string' ? 'no' : continuation.length && !followed ? 'partly' : 'yes';
			differed(
				'invoices.page',
				detail,
				copes,
				copes === 'no' ? page as string : copes === 'partly' ? 'the first page is read; the package does not follow this continuation' : undefined,
			);
		}

		// The query: pageSize honoured, and page=2 other invoices than page=1.
		if (typeof page === 'string') notTried('invoices.query', 'the page could not be read');
		else if (Array.isArray(first.body)) notTried('invoices.query', 'a plain array has no pages');
		else if (list.length > pageSize) differed('invoices.query', `pageSize=${pageSize} answered ${list.length} invoices`, 'yes', 'the package takes what comes');
		else if (list.length < pageSize) notTried('invoices.query', `the connection has fewer than ${pageSize + 1} invoices`);
		else {
			const second = await client.send({ method: 'GET', path, token, query: { page: '2', pageSize: String(pageSize) } });
			const next = readers.readInvoicePage(second.body);
			if (second.status !== 200 || typeof next === 'string') differed('invoices.query', `page=2: ${shapeOf(second)}`, 'no');
			else if (next.invoices.length === 0) notTried('invoices.query', `the connection has only ${pageSize} invoices`);
			else if (JSON.stringify(next.invoices) === JSON.stringify(list)) {
				differed('invoices.query', 'page=2 answered the invoices of page 1', followed ? 'yes' : 'partly', followed ? 'the package follows the continuation' : 'the package would read page 1 again');
			} else held('invoices.query');
		}

		// The invoice fields, and the status words (vocabulary, not values of the account).
		const invoice = list.find(isObject);
		if (!invoice) notTried('invoices.fields', 'the page held no invoice');
		else {
			const got = Object.keys(invoice);
			const lacking = missing(contract.invoiceKeys, got);
			const more = extra([...contract.invoiceKeys, ...contract.invoiceOptional], got);
			const words = [...new Set(list.filter(isObject).map((i) => i.status).filter((s) => typeof s === 'string' && !contract.invoiceStatuses.includes(s)))];
			if (lacking.length === 0 && more.length === 0 && words.length === 0) held('invoices.fields');
			else {
				const detail = [
					lacking.length ? `no ${lacking.join(', ')}` : '',
					more.length ? `came ${more.join(', ')}` : '',
					words.length ? `status words ${words.join(', ')}` : '',
				].filter(Boolean).join('; ');
				differed('invoices.fields', detail, 'yes', 'items keep every field as PortalDuct sent it');
			}
		}
	}

	async function checkBalance(token: string, clientUuid: string) {
		const answer = await client.send({ method: 'GET', path: `/v1/getClientBalance/${encodeURIComponent(clientUuid)}`, token });
		if (answer.status !== 200 || !isObject(answer.body) || isRefusalBody(answer)) {
			notTried('balance.fields', `the balance was not served (${shapeOf(answer)}): is --client a clientUUID of this account?`);
			return;
		}
		const got = Object.keys(answer.body);
		const lacking = missing(contract.balanceKeys, got);
		const more = extra(contract.balanceKeys, got);
		const portals = Array.isArray(answer.body.byPortal) ? answer.body.byPortal.filter(isObject) : [];
		const portalLacking = portals.length ? missing(contract.byPortalKeys, Object.keys(portals[0])) : [];
		if (lacking.length === 0 && more.length === 0 && portalLacking.length === 0) held('balance.fields');
		else {
			const detail = [
				lacking.length ? `no ${lacking.join(', ')}` : '',
				more.length ? `came ${more.join(', ')}` : '',
				portalLacking.length ? `byPortal[] without ${portalLacking.join(', ')} (came ${Object.keys(portals[0]).join(', ')})` : '',
			].filter(Boolean).join('; ');
			// "One item per portal connection" reads byPortal (by the package's field reader, when it has one).
			const byPortal = readers.fieldOf ? readers.fieldOf(answer.body, 'byPortal') : answer.body.byPortal;
			const perConnection = Array.isArray(byPortal);
			differed(
				'balance.fields',
				detail,
				perConnection ? 'yes' : 'partly',
				perConnection
					? 'the items keep every field as sent'
					: 'one item per client keeps every field; "one item per portal connection" finds no byPortal list',
			);
		}
	}
}

/** The base URL fit to print: scheme, host, path; no user name, password, query or fragment. */
export function safeTarget(baseUrl: string): string {
	try {
		const url = new URL(baseUrl);
		return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
	} catch {
		return 'a Base URL that is not a URL';
	}
}
