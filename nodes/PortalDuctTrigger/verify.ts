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

/** The query parameter of a registered URL that says how its deliveries are signed (see `withToken`). */
export const SIGNING_PARAMETER = 'signing';
/** `signing` value of a registration without a secret. */
const UNSIGNED = 'off';

/**
 * The signing secret of a registration, derived from the credential's password and the URL's
 * token (hex HMAC-SHA256): every context that reads the credential and the registered URL
 * computes the same secret, so a test listen can put production back with its secret without
 * seeing production's static data (n8n gives a test listen empty static data). Knowing the URL
 * alone does not give it; the password already lets whoever has it register any URL.
 */
export function deriveSecret(password: string, token: string): string {
	return createHmac('sha256', password).update(`n8n-nodes-portalduct delivery secret|${token}`).digest('hex');
}

/** A short public check of a secret (16 hex of a SHA-256), carried in the registered URL. */
export function secretFingerprint(secret: string): string {
	return createHash('sha256').update(`n8n-nodes-portalduct fingerprint|${secret}`).digest('hex').slice(0, 16);
}

/**
 * The URL registered with PortalDuct: n8n's webhook URL plus this node's token and how it signs
 * (`signing=<fingerprint of the secret>` or `signing=off`), so the registration itself says
 * which secret belongs to it.
 */
export function withToken(webhookUrl: string, token: string, secret = ''): string {
	const url = new URL(webhookUrl);
	url.searchParams.set(TOKEN_PARAMETER, token);
	url.searchParams.set(SIGNING_PARAMETER, secret ? secretFingerprint(secret) : UNSIGNED);
	return url.toString();
}

/** What a registered URL says of itself: its token and signing (undefined: not this node's format). */
export function readRegisteredUrl(registeredUrl: string): { token?: string; signing?: { secretFingerprint?: string } } {
	try {
		const params = new URL(registeredUrl).searchParams;
		const signing = params.get(SIGNING_PARAMETER);
		return {
			token: params.get(TOKEN_PARAMETER) ?? undefined,
			signing: signing === null ? undefined : signing === UNSIGNED ? {} : { secretFingerprint: signing },
		};
	} catch {
		return {};
	}
}

/** The path of a URL without trailing slashes, or undefined when it is not a URL. */
function pathOf(url: string): string | undefined {
	try {
		return new URL(url).pathname.replace(/\/+$/, '');
	} catch {
		return undefined;
	}
}

/**
 * Whether a registered URL points at this webhook, whatever its token and origin: the path holds
 * the node's webhookId (a UUID of its own), while the origin follows WEBHOOK_URL, which changes
 * when n8n moves (a new tunnel or domain) and may differ between queue-mode processes.
 */
export function pointsAt(registeredUrl: string, webhookUrl: string): boolean {
	const path = pathOf(registeredUrl);
	return path !== undefined && path === pathOf(webhookUrl);
}

/**
 * Whether a registered URL is this same trigger node, in either of n8n's modes: the editor's
 * /webhook-test/<webhookId>/... and the published workflow's /webhook/<webhookId>/... differ only
 * in the first path segment (origins as in `pointsAt`).
 */
export function isThisNode(registeredUrl: string, webhookUrl: string): boolean {
	const rest = (url: string) => pathOf(url)?.split('/').slice(2).join('/');
	const a = rest(registeredUrl);
	return a !== undefined && a !== '' && a === rest(webhookUrl);
}
