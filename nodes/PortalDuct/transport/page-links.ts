/**
 * A `next` link of an invoice page as a path of ours. Requests go to `<Base URL><path>` with the
 * Bearer token (request.ts), so a link is followed only when it lies under the credential's Base
 * URL: the token is never sent to another host, port or scheme.
 */

/**
 * `link` (absolute, or relative to `sentUrl`, the full URL of the page that carried it) as the
 * path to send after `baseUrl` (normalized: no trailing slash), its query exactly as PortalDuct
 * wrote it; the fragment is dropped. Returns `{ refused }` with the reason in words when the link
 * is not a URL or leads outside the Base URL (another origin, or outside its path). Pure; never throws.
 */
export function linkPath(link: string, sentUrl: string, baseUrl: string): { path: string } | { refused: string } {
	let url: URL;
	let base: URL;
	try {
		base = new URL(baseUrl);
		url = new URL(link, sentUrl);
	} catch {
		return { refused: 'it is not a URL' };
	}
	if (url.origin !== base.origin) {
		return { refused: `it leads to ${url.origin}, not to the credential's Base URL ${base.origin}` };
	}
	const prefix = base.pathname.replace(/\/+$/, '');
	if (prefix !== '' && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) {
		return { refused: `it leads outside the credential's Base URL ${baseUrl}` };
	}
	// The query as written: URL keeps percent-escapes as they came (it only escapes what a URL cannot hold).
	return { path: `${url.pathname.slice(prefix.length)}${url.search}` };
}
