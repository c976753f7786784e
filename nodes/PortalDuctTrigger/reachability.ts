/**
 * Can PortalDuct reach the URL this trigger would register? n8n builds it from WEBHOOK_URL (or
 * from its own host and port when that is not set), so an n8n without WEBHOOK_URL registers an
 * address such as http://localhost:5678/... that a PortalDuct on the internet can never call.
 * Only what the addresses themselves show is judged: host names are given the benefit of the doubt.
 */

type Reach = 'loopback' | 'private' | 'public' | 'unknown';

function ipv4Reach(host: string): Reach | undefined {
	const parts = host.split('.').map(Number);
	if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
	const [a, b] = parts;
	if (a === 127) return 'loopback';
	if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)) {
		return 'private';
	}
	return 'public';
}

/** Where a URL's host is: loopback, a private network, the public internet, or a name (unknown). */
export function reachOf(url: string): Reach {
	let host: string;
	try {
		host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
	} catch {
		return 'unknown';
	}
	if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return 'loopback';
	const v4 = ipv4Reach(host);
	if (v4) return v4;
	if (/^f[cd][0-9a-f]{2}:/.test(host) || /^fe80:/.test(host)) return 'private';
	if (host.includes(':')) return 'public';
	return 'unknown';
}

/**
 * Why PortalDuct at `baseUrl` cannot call `webhookUrl`, or undefined when it may:
 * a loopback webhook with a PortalDuct elsewhere, or a private one with a public PortalDuct.
 */
export function unreachableReason(webhookUrl: string, baseUrl: string): string | undefined {
	const hook = reachOf(webhookUrl);
	const api = reachOf(baseUrl);
	if (hook === 'loopback' && api !== 'loopback') {
		return 'a loopback address (this machine only)';
	}
	if (hook === 'private' && api === 'public') {
		return 'a private network address';
	}
	return undefined;
}
