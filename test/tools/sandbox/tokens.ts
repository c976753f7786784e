/** Access and refresh tokens: issue, check, single-use refresh, revoke. */
import { randomBytes } from 'node:crypto';
import { SandboxError } from './errors';
import type { SandboxState } from './types';

export interface IssuedTokens {
	token: string;
	refreshToken: string;
	expiresIn: number;
}

const newToken = (prefix: string) => `${prefix}_${randomBytes(24).toString('hex')}`;

/** A new session (login or refresh). With singleSession it ends every access token issued before. */
export function issueTokens(state: SandboxState): IssuedTokens {
	const now = Date.now();
	const token = newToken('pdat');
	const refreshToken = newToken('pdrt');
	// Older refresh tokens stay usable: the displaced session can refresh back in, as on such APIs.
	if (state.settings.singleSession) state.tokens.access.clear();
	state.tokens.access.set(token, { issuedAt: now });
	state.tokens.refresh.set(refreshToken, { issuedAt: now, used: false });
	state.tokens.issued.push(token, refreshToken);
	state.tokens.known.add(token).add(refreshToken);
	return { token, refreshToken, expiresIn: state.settings.tokenLifetimeSeconds };
}

/** The login/refresh body in the shape chosen by tokenResponseStyle (the API notes list the variants). */
export function tokenResponse(state: SandboxState, issued: IssuedTokens): Record<string, unknown> {
	const { token, refreshToken, expiresIn } = issued;
	switch (state.settings.tokenResponseStyle) {
		case 'accessToken':
			return { accessToken: token, refreshToken, expiresIn };
		case 'access_token':
			return { access_token: token, refresh_token: refreshToken, expiresIn };
		case 'data':
			return { data: { token, refreshToken, expiresIn } };
		default:
			return { token, refreshToken, expiresIn };
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
