/**
 * Readers of PortalDuct's answers (login, refresh, errors, headers): [assumed] names and their
 * plausible variants, each reader saying which names it looked for when an answer has none.
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

export interface TokenSet {
	token: string;
	refreshToken?: string;
	expiresIn?: number;
}

const tokenNames = ['token', 'accessToken', 'access_token'];
const refreshNames = ['refreshToken', 'refresh_token'];
const expiresNames = ['expiresIn', 'expires_in'];

/**
 * Reads a login or refresh answer: `{token, refreshToken, expiresIn}` [assumed], also
 * `accessToken` / `access_token`, `refresh_token`, and any of them under `data`.
 * Returns a reason instead of throwing so callers choose the error type their context needs.
 */
export function readTokenSet(body: unknown): TokenSet | string {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return 'the answer was not a JSON object';
	}
	const top = body as IDataObject;
	const nested =
		typeof top.data === 'object' && top.data !== null ? (top.data as IDataObject) : undefined;
	const token = pick(top, tokenNames) ?? pick(nested, tokenNames);
	if (typeof token !== 'string') {
		return `the answer had none of the fields ${tokenNames.join(', ')} (also looked under "data")`;
	}
	const refreshToken = pick(top, refreshNames) ?? pick(nested, refreshNames);
	const expiresIn = Number(pick(top, expiresNames) ?? pick(nested, expiresNames));
	return {
		token,
		refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
		expiresIn: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : undefined,
	};
}

/** Error bodies are `{"error": "<code>", "message": "<text>"}` [assumed]; tolerate `detail` / `error.message`. */
export function readErrorBody(body: unknown): { code?: string; message?: string } {
	if (typeof body !== 'object' || body === null) return {};
	const b = body as IDataObject;
	const nested = typeof b.error === 'object' && b.error !== null ? (b.error as IDataObject) : {};
	const code = typeof b.error === 'string' ? b.error : (nested.code as string | undefined);
	const message = pick(b, ['message', 'detail', 'error_description']) ?? nested.message;
	return { code, message: typeof message === 'string' ? message : undefined };
}

/**
 * The Retry-After header of an answer, as sent (seconds or an HTTP date; read by the 429 rule), or
 * undefined. Headers as axios hands them over: lower case, or as sent.
 */
export function readRetryAfter(headers: IDataObject | undefined): string | undefined {
	const raw = headers?.['retry-after'] ?? headers?.['Retry-After'];
	return raw === undefined || raw === null ? undefined : String(raw);
}

