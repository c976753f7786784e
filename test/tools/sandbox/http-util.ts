/** Small HTTP plumbing shared by the route files: replies, bodies, a route table. */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { SandboxError, badRequest } from './errors';

/** What a handler answers; the server decides whether to send it (a dropResponse fault does not). */
export interface Reply {
	status: number;
	headers?: Record<string, string>;
	/** Serialised as JSON. */
	json?: unknown;
	/** Sent as is, with contentType. */
	raw?: string;
	contentType?: string;
}

export interface RequestContext {
	method: string;
	path: string;
	query: URLSearchParams;
	params: Record<string, string>;
	headers: IncomingHttpHeaders;
	rawBody: string;
	/** The body parsed as JSON; 400 when it is not JSON. */
	json(): unknown;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface Route {
	method: string;
	pattern: string;
	handler: Handler;
	/** Needs `Authorization: Bearer <token>`. */
	auth?: boolean;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
	status,
	json: body,
	headers,
});
export const noContent = (): Reply => ({ status: 204 });
export const html = (status: number, body: string): Reply => ({
	status,
	raw: body,
	contentType: 'text/html; charset=utf-8',
});

export function errorReply(error: unknown): Reply {
	if (error instanceof SandboxError) {
		const headers: Record<string, string> = {};
		// RFC 6750: a 401 on a Bearer-protected resource names the scheme.
		if (error.code === 'unauthorized') headers['WWW-Authenticate'] = `Bearer error="invalid_token"`;
		return json(error.status, { error: error.code, message: error.message }, headers);
	}
	// A bug in the sandbox itself: answer like a real API would and leave a trace for the developer.
	console.error('[portalduct-sandbox] internal error:', error);
	return json(500, { error: 'internal_error', message: 'Internal error in the PortalDuct sandbox' });
}

export function sendReply(res: ServerResponse, reply: Reply): void {
	const headers: Record<string, string | number> = { ...(reply.headers ?? {}) };
	let payload: string | undefined;
	if (reply.raw !== undefined) {
		payload = reply.raw;
		headers['Content-Type'] = reply.contentType ?? 'text/plain; charset=utf-8';
	} else if (reply.json !== undefined && reply.status !== 204) {
		payload = JSON.stringify(reply.json);
		headers['Content-Type'] = 'application/json; charset=utf-8';
	}
	if (payload !== undefined) headers['Content-Length'] = Buffer.byteLength(payload);
	res.writeHead(reply.status, headers);
	res.end(payload);
}

export const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) tooLarge = true;
			else chunks.push(chunk);
		});
		req.on('end', () => {
			if (tooLarge) reject(new SandboxError(413, 'payload_too_large', `Request body over ${MAX_BODY_BYTES} bytes`));
			else resolve(Buffer.concat(chunks).toString('utf8'));
		});
		// The client went away mid-body: nobody reads the answer, but it must not look like a sandbox bug.
		req.on('error', () => reject(badRequest('Request aborted while reading its body')));
	});
}

/** Content-Type is not enforced (clients vary); the body just has to be JSON. */
export function parseJson(rawBody: string): unknown {
	if (rawBody.trim() === '') throw badRequest('Request body must be JSON (it is empty)');
	try {
		return JSON.parse(rawBody);
	} catch {
		throw badRequest('Request body is not valid JSON');
	}
}

export interface RouteMatch {
	route?: Route;
	params: Record<string, string>;
	/** The pattern whose path matched (whatever the method); null when no path matched. */
	pattern: string | null;
	/** Methods allowed on the matched path, for 405's Allow header. */
	allowed: string[];
}

function matchPattern(pattern: string, path: string): Record<string, string> | undefined {
	const want = pattern.split('/');
	const got = path.split('/');
	if (want.length !== got.length) return undefined;
	const params: Record<string, string> = {};
	for (let i = 0; i < want.length; i++) {
		if (want[i].startsWith(':')) {
			if (got[i] === '') return undefined;
			try {
				params[want[i].slice(1)] = decodeURIComponent(got[i]);
			} catch {
				return undefined;
			}
		} else if (want[i] !== got[i]) {
			return undefined;
		}
	}
	return params;
}

export function matchRoute(routes: Route[], method: string, path: string): RouteMatch {
	let pattern: string | null = null;
	let pathParams: Record<string, string> = {};
	const allowed: string[] = [];
	for (const route of routes) {
		const params = matchPattern(route.pattern, path);
		if (!params) continue;
		if (pattern === null) {
			pattern = route.pattern;
			pathParams = params;
		}
		allowed.push(route.method);
		if (route.method === method) return { route, params, pattern: route.pattern, allowed };
	}
	return { params: pathParams, pattern, allowed };
}
