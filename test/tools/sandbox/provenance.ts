/**
 * Where the tokens a request carries come from, for the request log and stats().foreignTokens: a
 * test can prove that one environment (sandbox) never receives a token another one issued.
 */
import { bearerToken, isExpired } from './tokens';
import type { RefreshTokenProvenance, SandboxState, TokenProvenance } from './types';

/** The Bearer token of an Authorization header as this sandbox sees it now. */
export function accessTokenProvenance(state: SandboxState, header: string | undefined): TokenProvenance {
	const token = bearerToken(header);
	if (token === null) return 'none';
	const record = state.tokens.access.get(token);
	if (record) return isExpired(state, record.issuedAt) ? 'expired' : 'valid';
	// Issued here and no longer in the store: revokeTokens() or a newer session (singleSession) ended it.
	return state.tokens.known.has(token) ? 'revoked' : 'unknown';
}

/** The `refreshToken` field of a refresh request's raw body; 'none' when absent or not JSON. */
export function refreshTokenProvenance(state: SandboxState, rawBody: string): RefreshTokenProvenance {
	let token: unknown;
	try {
		token = (JSON.parse(rawBody) as { refreshToken?: unknown } | null)?.refreshToken;
	} catch {
		return 'none';
	}
	if (typeof token !== 'string' || token === '') return 'none';
	const record = state.tokens.refresh.get(token);
	if (record) return record.used ? 'used' : 'valid';
	return state.tokens.known.has(token) ? 'revoked' : 'unknown';
}
