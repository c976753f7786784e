/**
 * Is a delivery really from PortalDuct? Two independent checks:
 * - the URL token: the registered URL carries a random token only PortalDuct and this node know;
 * - the signature: when a secret was registered and PortalDuct signs [assumed format
 *   `X-PortalDuct-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`].
 * Comparisons are constant-time so a forger learns nothing from response timing.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-portalduct-signature';
export const TOKEN_PARAMETER = 'token';
/** A signed delivery older or newer than this is refused as a possible replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export function newSecret(): string {
	return randomBytes(24).toString('hex');
}

/** Hashing both sides first makes the comparison length-independent as well as constant-time. */
export function sameSecret(expected: string, given: unknown): boolean {
	if (typeof given !== 'string' || given === '' || expected === '') return false;
	const a = createHash('sha256').update(expected).digest();
	const b = createHash('sha256').update(given).digest();
	return timingSafeEqual(a, b);
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifySignature(
	header: unknown,
	rawBody: Buffer | string,
	secret: string,
	nowSeconds: number,
): SignatureCheck {
	if (typeof header !== 'string' || header.trim() === '') return { ok: false, reason: 'no signature' };
	let timestamp: number | undefined;
	const signatures: string[] = [];
	for (const part of header.split(',')) {
		const [key, ...rest] = part.trim().split('=');
		const value = rest.join('=');
		if (key === 't') timestamp = Number(value);
		if (key === 'v1' && value) signatures.push(value);
	}
	if (timestamp === undefined || !Number.isFinite(timestamp) || signatures.length === 0) {
		return { ok: false, reason: 'malformed signature header' };
	}
	if (Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
		return { ok: false, reason: 'signature timestamp outside the allowed window' };
	}
	const expected = createHmac('sha256', secret)
		.update(`${timestamp}.`)
		.update(rawBody)
		.digest();
	const matches = signatures.some((candidate) => {
		if (!/^[0-9a-f]+$/i.test(candidate) || candidate.length !== expected.length * 2) return false;
		return timingSafeEqual(expected, Buffer.from(candidate, 'hex'));
	});
	return matches ? { ok: true } : { ok: false, reason: 'signature does not match' };
}

/** The URL registered with PortalDuct: n8n's webhook URL plus this node's token. */
export function withToken(webhookUrl: string, token: string): string {
	const url = new URL(webhookUrl);
	url.searchParams.set(TOKEN_PARAMETER, token);
	return url.toString();
}

/** A registered URL fit to show: its token (a delivery credential) left out. */
export function withoutToken(registeredUrl: string): string {
	try {
		const url = new URL(registeredUrl);
		url.searchParams.delete(TOKEN_PARAMETER);
		return url.toString();
	} catch {
		return 'an address that is not a URL';
	}
}

/** Whether a registered URL points at this webhook (whatever token it carries). */
export function pointsAt(registeredUrl: string, webhookUrl: string): boolean {
	try {
		const a = new URL(registeredUrl);
		const b = new URL(webhookUrl);
		return a.origin === b.origin && a.pathname.replace(/\/+$/, '') === b.pathname.replace(/\/+$/, '');
	} catch {
		return false;
	}
}

/**
 * Whether a registered URL is this same trigger node in n8n's other mode (the editor's
 * /webhook-test/... and the active workflow's /webhook/... differ only in the first segment).
 */
export function sameNodeOtherMode(registeredUrl: string, webhookUrl: string): boolean {
	try {
		const a = new URL(registeredUrl);
		const b = new URL(webhookUrl);
		const rest = (url: URL) => url.pathname.replace(/\/+$/, '').split('/').slice(2).join('/');
		return a.origin === b.origin && rest(a) !== '' && rest(a) === rest(b);
	} catch {
		return false;
	}
}
