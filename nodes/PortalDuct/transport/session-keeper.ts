/**
 * Sessions kept in this n8n process: the newest one per identity (Base URL + email + password),
 * and one renewal at a time per identity.
 *
 * Why module state: n8n keeps ONE session in the stored credential and runs the credential's
 * preAuthentication for every request that meets an empty or refused token, without a lock
 * (n8n source: packages/core `httpRequestWithAuthentication`, packages/cli `credentials-helper`).
 * Requests in flight together would each log in or each spend the single-use refresh token
 * [assumed single-use], and items whose credential resolves to different environments would
 * overwrite each other's session. Every execution in the process shares this module.
 */
import { createHash } from 'node:crypto';

/** The session fields the credential stores (its hidden properties), as strings. */
export interface KeptSession {
	accessToken: string;
	refreshToken: string;
	/** ISO time the access token stops working; '' when PortalDuct did not say. */
	sessionExpiry: string;
	/** `sessionOwner(baseUrl, email)` the session was obtained for. */
	sessionOwner: string;
}

/** Enough for every credential of a busy instance; the oldest identity is dropped past it. */
const MAX_IDENTITIES = 500;

const kept = new Map<string, KeptSession>();
const renewing = new Map<string, Promise<KeptSession>>();

/**
 * A one-way key for a session: the password is part of it, so a credential with a wrong password
 * never reaches a session another credential obtained. Hex SHA-256, never shown or stored.
 */
export function sessionIdentity(owner: string, password: unknown): string {
	return createHash('sha256')
		.update(owner)
		.update('\u0000')
		.update(String(password ?? ''))
		.digest('hex');
}

/** The time a session stops working in ms since epoch; Infinity when unknown. */
export function expiryOf(session: { sessionExpiry?: unknown }): number {
	const at = typeof session.sessionExpiry === 'string' ? Date.parse(session.sessionExpiry) : NaN;
	return Number.isFinite(at) ? at : Infinity;
}

/** The session this process holds for `identity`, unless its expiry has passed. */
export function keptSession(identity: string): KeptSession | undefined {
	const session = kept.get(identity);
	if (session && expiryOf(session) > Date.now()) return session;
	return undefined;
}

export function keepSession(identity: string, session: KeptSession): void {
	kept.delete(identity);
	kept.set(identity, session);
	if (kept.size > MAX_IDENTITIES) kept.delete(kept.keys().next().value as string);
}

/** identity -> the access token PortalDuct last refused: the refresh sends it as its Bearer. */
const refusedTokens = new Map<string, string>();

/** Drops the kept session of `identity` if PortalDuct refused its token (a newer one stays). */
export function forgetRefused(identity: string, refusedToken: string): void {
	if (kept.get(identity)?.accessToken === refusedToken) kept.delete(identity);
	refusedTokens.delete(identity);
	refusedTokens.set(identity, refusedToken);
	if (refusedTokens.size > MAX_IDENTITIES) refusedTokens.delete(refusedTokens.keys().next().value as string);
}

/** The token of `identity` PortalDuct last refused, if any (the session being renewed). */
export function lastRefusedToken(identity: string): string | undefined {
	return refusedTokens.get(identity);
}

/**
 * A session for `identity` that is not `staleToken`: the kept one when someone already renewed
 * (no request), the renewal in flight when there is one, else `renew()`'s. So requests that meet
 * an expired token together cause one refresh or login. A failed renewal fails every waiter with
 * the same error and is not cached: the next caller tries again.
 */
export async function renewOnce(
	identity: string,
	staleToken: string,
	renew: () => Promise<KeptSession>,
): Promise<KeptSession> {
	const current = keptSession(identity);
	if (current && current.accessToken !== staleToken) return current;
	let pending = renewing.get(identity);
	if (!pending) {
		pending = renew()
			.then((session) => {
				keepSession(identity, session);
				return session;
			})
			.finally(() => renewing.delete(identity));
		renewing.set(identity, pending);
	}
	return await pending;
}
