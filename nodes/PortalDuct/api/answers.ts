/**
 * Readers of PortalDuct's answers (login, refresh, errors, headers): [assumed] names and their
 * plausible variants, each reader saying which names it looked for, and which fields the answer
 * had (names only, never values: they may be secrets), when an answer has none of them.
 */
import type { IDataObject } from 'n8n-workflow';

/** The first of `names` that `source` has with a value (not undefined, null or ''). */
export function pick(source: IDataObject | undefined, names: string[]): unknown {
	if (!source) return undefined;
	for (const name of names) {
		const value = source[name];
		if (value !== undefined && value !== null && value !== '') return value;
	}
	return undefined;
}

const isObject = (value: unknown): value is IDataObject =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The field names of a JSON answer, for an error to say what came: `the fields a, b, c` (at most
 * 12, then `and N more`), `no fields` for `{}`. Names only: values may be secrets.
 */
export function fieldsOf(body: IDataObject): string {
	const names = Object.keys(body);
	if (names.length === 0) return 'no fields';
	const shown = names.slice(0, 12).join(', ');
	return `the field${names.length === 1 ? '' : 's'} ${shown}${names.length > 12 ? ` and ${names.length - 12} more` : ''}`;
}

export interface TokenSet {
	token: string;
	refreshToken?: string;
	/** Seconds the token lives, as the answer says; undefined when it says nothing usable. */
	expiresIn?: number;
}

const tokenNames = ['token', 'accessToken', 'access_token'];
const refreshNames = ['refreshToken', 'refresh_token'];
const expiresNames = ['expiresIn', 'expires_in'];

/**
 * Reads a login or refresh answer: `{token, refreshToken, expiresIn}` [assumed], also
 * `accessToken` / `access_token`, `refresh_token`, `expires_in`, and any of them under `data`.
 * Returns a reason instead of throwing so callers choose the error type their context needs; the
 * reason names the fields the answer had (e.g. `the answer had the fields success, message, and no
 * token (...)`), never their values.
 */
export function readTokenSet(body: unknown): TokenSet | string {
	if (!isObject(body)) return 'the answer was not a JSON object';
	const top = body;
	const nested = isObject(top.data) ? top.data : undefined;
	const token = pick(top, tokenNames) ?? pick(nested, tokenNames);
	if (typeof token !== 'string') {
		const had = nested ? `${fieldsOf(top)} (under "data": ${fieldsOf(nested)})` : fieldsOf(top);
		return `the answer had ${had}, and no token (a text in ${tokenNames.join(', ')}, also looked for under "data")`;
	}
	const refreshToken = pick(top, refreshNames) ?? pick(nested, refreshNames);
	const expiresIn = Number(pick(top, expiresNames) ?? pick(nested, expiresNames));
	return {
		token,
		refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
		expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
	};
}

/**
 * When a JWT access token stops working by its own `exp` claim, in ms since epoch; undefined for a
 * token that is not a JWT or has no numeric `exp`. The payload is read, the signature not checked:
 * it is PortalDuct's token to us, and PortalDuct checks it. [assumed: PortalDuct's tokens may be JWTs]
 */
export function readJwtExpiry(token: string): number | undefined {
	const parts = token.split('.');
	if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1])) return undefined;
	try {
		const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		const exp = isObject(payload) ? payload.exp : undefined;
		return typeof exp === 'number' && Number.isFinite(exp) && exp > 0 ? exp * 1000 : undefined;
	} catch {
		return undefined;
	}
}

// ---------------------------------------------------------------------------------------------
// What PortalDuct said when something failed

/** PortalDuct's words from a JSON error body, and its error code when it gave one. */
export interface ErrorWords {
	code?: string;
	message?: string;
}

const messageNames = ['message', 'detail', 'error_description', 'errorMessage', 'error_message', 'msg', 'description', 'reason', 'faultstring', 'title'];
const codeNames = ['code', 'errorCode', 'error_code', 'errorcode'];
/** Longest quote of PortalDuct's words in an error, in characters. */
const QUOTE_LIMIT = 300;

const clip = (text: string) => {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > QUOTE_LIMIT ? `${flat.slice(0, QUOTE_LIMIT)}…` : flat;
};
const textOf = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? clip(value) : undefined);
/** A code is one word (`not_found`, `E1042`); a string with spaces in `error` is a message. */
const looksLikeCode = (text: string) => /^[\w.:-]{1,80}$/.test(text);

/** Words of one item of an `errors` list: a string, or an object read like an error body. */
function wordsOfListItem(item: unknown): ErrorWords {
	if (typeof item === 'string') return { message: textOf(item) };
	return isObject(item) ? readErrorBody(item) : {};
}

/**
 * Reads a JSON error body in the shapes APIs use [assumed; docs/openapi.yaml has `{error, message}`]:
 * `{error, message}`, `{error: {message, code}}`, `{errors: [{message|detail|title, code}]}` or
 * `{errors: ["text"]}` (several joined with "; "), RFC 7807 `{title, detail}`, `{success: false,
 * message}`, `{status: "error", message}`, `{ok: false, error}`, `{msg}`, `{error_description}`,
 * `{fault: {faultstring, detail: {errorcode}}}`. `error` as a single word is a code, as a sentence
 * the message. Messages are trimmed, whitespace collapsed, clipped at 300 characters. Returns `{}`
 * for anything that is not a JSON object.
 */
export function readErrorBody(body: unknown): ErrorWords {
	if (!isObject(body)) return {};
	const words: ErrorWords = {};
	const error = body.error;
	if (typeof error === 'string' && error.trim() !== '') {
		if (looksLikeCode(error.trim())) words.code = error.trim();
		else words.message = clip(error);
	}
	const ownMessage = messageNames.map((name) => textOf(body[name])).find(Boolean);
	if (ownMessage) words.message = ownMessage;
	const ownCode = pick(body, codeNames);
	if (!words.code && (typeof ownCode === 'string' || typeof ownCode === 'number')) words.code = String(ownCode);
	for (const inner of [error, body.fault]) {
		if (!isObject(inner)) continue;
		const nested = readErrorBody(inner);
		words.message ??= nested.message;
		words.code ??= nested.code;
		if (isObject(inner.detail)) words.code ??= readErrorBody(inner.detail).code;
	}
	const list = Array.isArray(body.errors) ? body.errors : undefined;
	if (list && list.length > 0) {
		const items = list.map(wordsOfListItem);
		const messages = items.map((item) => item.message ?? item.code).filter((m): m is string => Boolean(m));
		if (!words.message && messages.length > 0) words.message = clip([...new Set(messages)].slice(0, 5).join('; '));
		words.code ??= items.find((item) => item.code)?.code;
	}
	return words;
}

/** What a failed answer said: PortalDuct's words, or what came in their place (see readSaid). */
export interface Said extends ErrorWords {
	instead?: string;
}

/** The <title> of an HTML page, else its text (tags dropped), clipped; '' when it has neither. */
function htmlWords(page: string): { title?: string; text?: string } {
	const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(page)?.[1];
	if (title && title.trim()) return { title: clip(decodeEntities(title)) };
	const body = page
		.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]*>/g, ' ');
	const text = clip(decodeEntities(body));
	return text ? { text } : {};
}

const decodeEntities = (text: string) =>
	text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, name: string) =>
		({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' })[name] ?? ' ',
	);

const looksLikeHtml = (text: string, contentType: string) =>
	/html/i.test(contentType) || /^\s*<(!doctype\s+html|html|head|body)\b/i.test(text);

/**
 * What a failed answer said, for the error to show: PortalDuct's words when it gave any (`message`,
 * `code`, as readErrorBody reads a JSON body; a plain-text answer is its own message), else
 * `instead`: what came in their place, e.g. `an HTML page titled "502 Bad Gateway"`, `an answer of
 * type application/pdf`, `an empty answer`, `a JSON answer with the fields a, b and no message`.
 * `contentType` is the answer's Content-Type header when known. Never throws.
 */
export function readSaid(body: unknown, contentType?: string): Said {
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	if (body === undefined || body === null || (typeof body === 'string' && body.trim() === '')) {
		return { instead: 'an empty answer' };
	}
	if (typeof body === 'string') {
		if (looksLikeHtml(body, type)) {
			const { title, text } = htmlWords(body);
			if (title) return { instead: `an HTML page titled "${title}"` };
			return { instead: text ? `an HTML page saying "${text}"` : 'an HTML page' };
		}
		if (type === '' || type.startsWith('text/') || type.endsWith('json')) return { message: clip(body) };
		return { instead: `an answer of type ${type}` };
	}
	if (Buffer.isBuffer(body) || body instanceof ArrayBuffer) {
		return { instead: `an answer of type ${type || 'unknown'}` };
	}
	if (!isObject(body)) return { instead: `a JSON ${Array.isArray(body) ? 'list' : typeof body} and no message` };
	const words = readErrorBody(body);
	if (words.message || words.code) return words;
	return { instead: `a JSON answer with ${fieldsOf(body)} and no message` };
}

/** The words an error quotes: `"<message>" (<code>)`, `"<code>"`, or what came instead. */
export function saidInWords(said: Said): string {
	if (said.message) return `"${said.message}"${said.code && said.code !== said.message ? ` (${said.code})` : ''}`;
	if (said.code) return `"${said.code}"`;
	return said.instead ?? 'an answer without words';
}

const errorBodyFields = new Set([
	'error', 'errors', 'message', 'msg', 'code', 'errorCode', 'error_code', 'detail', 'title', 'type', 'status',
	'statusCode', 'error_description', 'errorMessage', 'error_message', 'fault', 'success', 'ok', 'instance',
	'timestamp', 'path', 'requestId', 'request_id', 'traceId', 'data', 'description', 'reason',
]);
const failureStatusWords = ['error', 'fail'];

/**
 * Whether a 2xx answer is nevertheless a failure, and the marker that says so (for the error), else
 * undefined. Only explicit markers count, so answers that merely have a `status` (an invoice is
 * "open" or "paid", a connection "failure") are not failures:
 * - `success: false` or `ok: false`;
 * - `status: "error"` or `"fail"` (JSend), with no other fields than an error body has;
 * - an error body and nothing else: `error`, `errors` (non-empty), `fault`, `error_description`,
 *   or `status`/`statusCode` of 400 or more, with only fields error bodies have (`data` only if null).
 * [assumed: PortalDuct may answer errors with HTTP 200]
 */
export function failureMarker(body: unknown): string | undefined {
	if (!isObject(body)) return undefined;
	if (body.success === false) return '"success": false';
	if (body.ok === false) return '"ok": false';
	const onlyErrorFields = Object.keys(body).every((key) => errorBodyFields.has(key)) && (body.data === undefined || body.data === null);
	if (!onlyErrorFields) return undefined;
	const status = body.status;
	if (typeof status === 'string' && failureStatusWords.includes(status.trim().toLowerCase())) return `"status": "${status}"`;
	for (const key of ['status', 'statusCode']) {
		const value = Number(body[key]);
		if (typeof body[key] !== 'boolean' && Number.isInteger(value) && value >= 400 && value <= 599) return `"${key}": ${value}`;
	}
	if (pick(body, ['error', 'fault', 'error_description']) !== undefined) return 'an error body';
	if (Array.isArray(body.errors) && body.errors.length > 0) return 'an error body';
	return undefined;
}

/**
 * The Retry-After header of an answer, as sent (seconds or an HTTP date; read by the 429 rule), or
 * undefined. Headers as axios hands them over: lower case, or as sent.
 */
export function readRetryAfter(headers: IDataObject | undefined): string | undefined {
	const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
	return raw === undefined || raw === null ? undefined : String(raw);
}

/** The Content-Type header of an answer, as sent, or undefined. */
export function readContentType(headers: IDataObject | undefined): string | undefined {
	const raw = headers?.['content-type'] ?? headers?.['Content-Type'];
	return raw === undefined || raw === null ? undefined : String(raw);
}
