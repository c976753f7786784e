/** Access and refresh tokens: issue, check, single-use refresh, revoke. */
import { createHmac, randomBytes } from 'node:crypto';
import { SandboxError } from './errors';
import type { SandboxState } from './types';

export interface IssuedTokens {
	token: string;
	refreshToken: string;
	expiresIn: number;
}

const newToken = (prefix: string) => `${prefix}_${randomBytes(24).toString('hex')}`;

/** Each sandbox's key for signing its JWTs (random, per sandbox, never shown). */
const jwtKeys = new WeakMap<SandboxState, Buffer>();
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An access token as a JWT (tokenFormat 'jwt'): HS256, `sub` the account's email, `iat` and `exp`
 * in whole seconds, `exp` the expiry the lifetime setting gives at issue (rounded down, so never
 * later than the sandbox's own check), `jti` random. The sandbox still checks it by its store, like
 * an opaque token (a lifetime changed later moves the real expiry, not the `exp` written in it).
 */
export function newJwt(state: SandboxState, issuedAt: number): string {
	let key = jwtKeys.get(state);
	if (!key) jwtKeys.set(state, (key = randomBytes(32)));
	const header = base64url({ alg: 'HS256', typ: 'JWT' });
	const payload = base64url({
		sub: state.account.email,
		iat: Math.floor(issuedAt / 1000),
		exp: Math.floor((issuedAt + state.settings.tokenLifetimeSeconds * 1000) / 1000),
		jti: randomBytes(12).toString('hex'),
	});
	const signature = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
	return `${header}.${payload}.${signature}`;
}

/** A new session (login or refresh). With singleSession it ends every access token issued before. */
export function issueTokens(state: SandboxState): IssuedTokens {
	const now = Date.now();
	const token = state.settings.tokenFormat === 'jwt' ? newJwt(state, now) : newToken('pdat');
	const refreshToken = newToken('pdrt');
	// Older refresh tokens stay usable: the displaced session can refresh back in, as on such APIs.
	if (state.settings.singleSession) state.tokens.access.clear();
	state.tokens.access.set(token, { issuedAt: now });
	state.tokens.refresh.set(refreshToken, { issuedAt: now, used: false });
	state.tokens.issued.push(token, refreshToken);
	state.tokens.known.add(token).add(refreshToken);
	return { token, refreshToken, expiresIn: state.settings.tokenLifetimeSeconds };
}

/**
 * The login/refresh body in the shape chosen by tokenResponseStyle (the API notes list the
 * variants); without `expiresIn` when tokenLifetimeInAnswer is off.
 */
export function tokenResponse(state: SandboxState, issued: IssuedTokens): Record<string, unknown> {
	const { token, refreshToken } = issued;
	const lifetime = state.settings.tokenLifetimeInAnswer ? { expiresIn: issued.expiresIn } : {};
	switch (state.settings.tokenResponseStyle) {
		case 'accessToken':
			return { accessToken: token, refreshToken, ...lifetime };
		case 'access_token':
			return { access_token: token, refresh_token: refreshToken, ...lifetime };
		case 'data':
			return { data: { token, refreshToken, ...lifetime } };
		default:
			return { token, refreshToken, ...lifetime };
	}
}

const unauthorized = (message: string) => new SandboxError(401, 'unauthorized', message);

/** The token of `Authorization: Bearer <token>`; null when the header is not of that form. */
export function bearerToken(header: string | undefined): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
	return match ? match[1] : null;
}

/** Whether an access token issued at issuedAt (ms) is past the lifetime setting current now. */
export const isExpired = (state: SandboxState, issuedAt: number) =>
	Date.now() >= issuedAt + state.settings.tokenLifetimeSeconds * 1000;

/**
 * Checks `Authorization: Bearer <token>`. Expiry uses the lifetime setting current at request time,
 * so a test can shorten it to expire tokens already issued.
 */
export function authenticate(state: SandboxState, header: string | undefined): void {
	if (!header) throw unauthorized('Missing Authorization header: send "Authorization: Bearer <token>"');
	const token = bearerToken(header);
	if (token === null) throw unauthorized('Authorization header must be "Bearer <token>"');
	const record = state.tokens.access.get(token);
	if (!record) throw unauthorized('Unknown or revoked token');
	if (isExpired(state, record.issuedAt)) {
		throw unauthorized('Token expired; refresh it or log in again');
	}
	if (state.tokens.rejectNext) {
		state.tokens.rejectNext = false;
		throw unauthorized('Token rejected');
	}
}

/** A refresh token is single-use: the used one dies and a new pair is issued. */
export function refreshTokens(state: SandboxState, refreshToken: string): IssuedTokens {
	const invalid = (message: string) => new SandboxError(401, 'invalid_refresh_token', message);
	if (state.settings.refreshRefused) throw invalid('Refresh refused; log in again');
	const record = state.tokens.refresh.get(refreshToken);
	if (!record) throw invalid('Unknown or revoked refresh token; log in again');
	if (record.used) throw invalid('Refresh token already used (refresh tokens are single-use); log in again');
	record.used = true;
	return issueTokens(state);
}

export function revokeAllTokens(state: SandboxState): void {
	state.tokens.access.clear();
	state.tokens.refresh.clear();
}
