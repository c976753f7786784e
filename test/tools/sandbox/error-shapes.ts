/**
 * Every /v1 error answer in the shape the `errorShape` setting names, with HTTP 200 when
 * `errorsInHttp200` is on (dialects.ts): the routes, limits and faults all answer the contract's
 * `{"error": code, "message": text}`, and the server reshapes it here just before sending.
 */
import { STATUS_CODES } from 'node:http';

import type { Reply } from './http-util';
import type { SandboxSettings } from './types';

/** The contract's error body of a reply: `{error, message}` with a 4xx/5xx status; else undefined. */
function contractError(reply: Reply): { code: string; message: string } | undefined {
	if (reply.status < 400 || reply.raw !== undefined) return undefined;
	const body = reply.json as { error?: unknown; message?: unknown } | undefined;
	if (typeof body?.error !== 'string' || typeof body.message !== 'string') return undefined;
	return { code: body.error, message: body.message };
}

const escapeHtml = (text: string) =>
	text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** A gateway's error page: the status in its <title>, the API's message in its body. */
export function gatewayPage(status: number, message: string): string {
	const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
	return `<!DOCTYPE html>\n<html><head><title>${title}</title></head>\n<body><center><h1>${title}</h1></center><hr><center>${escapeHtml(message)}</center></body></html>\n`;
}

/**
 * `reply` as the settings want errors sent: unchanged when it is not a contract error body or the
 * shape is 'contract' with HTTP codes; otherwise `{errors: [{code, message}]}`, RFC 7807 problem
 * (`application/problem+json`, `{type, title, status, detail}`, `status` the error's own code),
 * `{success: false, message}`, the message as plain text, or a gateway's HTML page. Headers
 * (Retry-After, WWW-Authenticate) are kept.
 */
export function inErrorShape(settings: SandboxSettings, reply: Reply): Reply {
	const error = contractError(reply);
	if (!error || (settings.errorShape === 'contract' && !settings.errorsInHttp200)) return reply;
	const status = settings.errorsInHttp200 ? 200 : reply.status;
	const headers = reply.headers;
	const { code, message } = error;
	switch (settings.errorShape) {
		case 'errors-array':
			return { status, headers, json: { errors: [{ code, message }] } };
		case 'problem':
			return {
				status,
				headers,
				raw: JSON.stringify({
					type: `https://portalduct.example/problems/${code}`,
					title: STATUS_CODES[reply.status] ?? 'Error',
					status: reply.status,
					detail: message,
				}),
				contentType: 'application/problem+json',
			};
		case 'success-false':
			return { status, headers, json: { success: false, message } };
		case 'text':
			return { status, headers, raw: message, contentType: 'text/plain; charset=utf-8' };
		case 'html':
			return { status, headers, raw: gatewayPage(reply.status, message), contentType: 'text/html; charset=utf-8' };
		default:
			return { status, headers, json: { error: code, message } };
	}
}
