/** The account's one webhook registration for portal login changes (register replaces). */
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { restyle } from './dialects';
import { SandboxError, badRequest, notFound } from './errors';
import { json, type Reply, type RequestContext } from './http-util';
import { nowIso } from './state';
import type { Registration, RegistrationView, SandboxState } from './types';

/** 127.0.0.0/8, ::1 (URL keeps the brackets) and localhost, including *.localhost (RFC 6761). */
export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	if (isIP(host) === 4) return host.startsWith('127.');
	if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(host);
	return false;
}

/**
 * Why loopback only: the sandbox must never be turned into a tool that POSTs to arbitrary hosts by
 * default; allowAnyWebhookHost opens it (e.g. n8n in Docker or behind a tunnel).
 */
export function checkWebhookUrl(state: SandboxState, raw: unknown): URL {
	if (raw === undefined || raw === null || raw === '') throw badRequest("'url' is required");
	if (typeof raw !== 'string') throw badRequest("'url' must be a string");
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw badRequest(`'url' must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw badRequest(`'url' must use http or https, got ${url.protocol.replace(':', '')}`);
	}
	if (!state.settings.allowAnyWebhookHost && !isLoopbackHost(url.hostname)) {
		throw badRequest(
			`'url' host ${url.hostname} is not a loopback address: the sandbox only delivers to 127.0.0.0/8, ::1 or localhost ` +
				'unless its setting allowAnyWebhookHost is true',
		);
	}
	return url;
}

export function register(state: SandboxState, body: Record<string, unknown>): Registration {
	checkWebhookUrl(state, body.url);
	const secret = body.secret;
	if (secret !== undefined && (typeof secret !== 'string' || secret === '')) {
		throw badRequest("'secret' must be a non-empty string when given");
	}
	// Stored exactly as sent (no URL normalisation), so a client can compare it with its own.
	// Every registration gets a new id, even for the same URL: the old one is gone.
	const registration: Registration = {
		webhookId: randomUUID(),
		url: body.url as string,
		createdAt: nowIso(),
		...(secret !== undefined ? { secret } : {}),
	};
	if (state.registration) state.counters.registrations.replaced++;
	state.counters.registrations.created++;
	state.registration = registration;
	return registration;
}

export function unregister(state: SandboxState): void {
	if (!state.registration) throw notFound('No webhook is registered for portal login changes');
	state.registration = null;
	state.counters.registrations.deleted++;
}

export function publicRegistration(registration: Registration): { webhookId: string; url: string } {
	return { webhookId: registration.webhookId, url: registration.url };
}

/** A registration as POST and GET answer it, its field names in the `fieldStyle` setting. */
export function registrationAnswer(state: SandboxState, registration: Registration): unknown {
	return restyle(publicRegistration(registration), state.settings.fieldStyle);
}

/**
 * The answer of a PortalDuct that serves only POST of the registration (setting
 * `registrationGetDelete`), or undefined when GET and DELETE are served: 404 as an unknown route,
 * 405 with `Allow: POST`, or 501. Nothing changes.
 */
export function unservedRegistrationMethod(state: SandboxState, ctx: RequestContext): Reply | undefined {
	const status = state.settings.registrationGetDelete;
	if (status === 0) return undefined;
	if (status === 405) {
		return json(
			405,
			{ error: 'method_not_allowed', message: `${ctx.method} is not allowed on ${ctx.path}; use POST` },
			{ Allow: 'POST' },
		);
	}
	if (status === 501) throw new SandboxError(501, 'not_implemented', `${ctx.method} ${ctx.path} is not implemented`);
	throw new SandboxError(404, 'not_found', `No route ${ctx.method} ${ctx.path}`);
}

export function registrationView(state: SandboxState): RegistrationView | null {
	const registration = state.registration;
	if (!registration) return null;
	return { webhookId: registration.webhookId, url: registration.url, hasSecret: registration.secret !== undefined };
}
