/**
 * The HTTP server: counts and logs traffic, notes token provenance, applies the rate and
 * concurrency limits, latency and injected faults, routes to /v1, /collector or /_sandbox, and
 * sends the handler's reply.
 */
import * as http from 'node:http';
import { collectorRoutes } from './collector';
import type { SandboxCore } from './core';
import { SandboxError, badRequest } from './errors';
import { inErrorShape } from './error-shapes';
import { faultReply, takeFault } from './faults';
import {
	Reply,
	RequestContext,
	RouteMatch,
	errorReply,
	json,
	matchRoute,
	parseJson,
	readBody,
	sendReply,
} from './http-util';
import { admit, leave } from './limits';
import { accessTokenProvenance, refreshTokenProvenance } from './provenance';
import { controlRoutes } from './routes-control';
import { v1Routes } from './routes-v1';
import { LOG_LIMIT, nowIso } from './state';
import { authenticate } from './tokens';
import type { FaultKind, LogEntry, SandboxControl } from './types';

/**
 * Idle keep-alive sockets live this long (ms), as on a real API server. 65 s is what servers behind
 * the common load balancers use (their idle timeout is 60 s and the server must outlast it). Node
 * clients stop reusing a socket 1 s before the server's `Keep-Alive: timeout` hint, so a 1 s hint
 * meant a new connection for every request; close() still ends idle sockets at once.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65000;

const REFRESH_PATH = '/v1/refreshToken';

/** The request body, read once whoever asks first (provenance, a hang, or the handler). */
function bodyOnce(req: http.IncomingMessage): () => Promise<string> {
	let reading: Promise<string> | undefined;
	return () => (reading ??= readBody(req));
}

/** One /v1 or /collector request on its way through serve(). */
interface Exchange {
	req: http.IncomingMessage;
	res: http.ServerResponse;
	method: string;
	url: URL;
	match: RouteMatch;
	body: () => Promise<string>;
	/** /v1 only (collector traffic is not logged). */
	entry?: LogEntry;
}

const isUnder = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

export function createHttpServer(core: SandboxCore, control: SandboxControl): http.Server {
	const { state, timers } = core;
	const v1 = v1Routes(core);
	// refreshEndpoint: false is an API without the endpoint, so the route is gone (404), not refused.
	const v1WithoutRefresh = v1.filter((route) => route.pattern !== REFRESH_PATH);
	const collector = collectorRoutes(core);
	const controlEndpoints = controlRoutes(core, control);

	async function run(match: RouteMatch, req: http.IncomingMessage, url: URL, body: () => Promise<string>): Promise<Reply> {
		try {
			const method = req.method ?? 'GET';
			if (!match.route) {
				if (match.pattern) {
					return json(
						405,
						{ error: 'method_not_allowed', message: `${method} is not allowed on ${url.pathname}; use ${match.allowed.join(', ')}` },
						{ Allow: match.allowed.join(', ') },
					);
				}
				throw new SandboxError(404, 'not_found', `No route ${method} ${url.pathname}`);
			}
			// Route first, then auth: a wrong path or method is reported as such, token or not.
			if (match.route.auth) authenticate(state, req.headers.authorization);
			const rawBody = await body();
			let parsed: unknown;
			let parsedOnce = false;
			const ctx: RequestContext = {
				method,
				path: url.pathname,
				query: url.searchParams,
				params: match.params,
				headers: req.headers,
				rawBody,
				json: () => {
					if (!parsedOnce) {
						parsed = parseJson(rawBody);
						parsedOnce = true;
					}
					return parsed;
				},
			};
			return await match.route.handler(ctx);
		} catch (error) {
			return errorReply(error);
		}
	}

	function record(entry: LogEntry | undefined, status: number | null, fault?: FaultKind): void {
		if (!entry) return;
		entry.status = status;
		if (fault) entry.fault = fault;
		if (state.log.length >= LOG_LIMIT) state.log.splice(0, state.log.length - LOG_LIMIT + 1);
		state.log.push(entry);
	}

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		let url: URL;
		try {
			url = new URL(req.url ?? '/', 'http://sandbox.invalid');
		} catch {
			return sendReply(res, errorReply(badRequest('Malformed request URL')));
		}
		const path = url.pathname;

		// Control traffic is neither counted, logged, delayed nor faulted: it observes, it is not observed.
		if (isUnder(path, '/_sandbox')) {
			return sendReply(res, await run(matchRoute(controlEndpoints, method, path), req, url, bodyOnce(req)));
		}
		const isV1 = isUnder(path, '/v1');
		if (!isV1 && !isUnder(path, '/collector')) {
			// A pointer for a person who opens the base URL in a browser.
			if (path === '/' && method === 'GET') {
				return sendReply(
					res,
					json(200, { name: 'PortalDuct sandbox', api: '/v1', control: '/_sandbox', collector: '/collector?clientUUID=<client UUID>' }),
				);
			}
			return sendReply(res, json(404, { error: 'not_found', message: `No route ${method} ${path}` }));
		}

		const routes = isV1 ? (state.settings.refreshEndpoint ? v1 : v1WithoutRefresh) : collector;
		const match = matchRoute(routes, method, path);
		const counters = state.counters;
		const key = `${method} ${match.pattern ?? '(unmatched)'}`;
		counters.requestsTotal++;
		counters.requests[key] = (counters.requests[key] ?? 0) + 1;
		const body = bodyOnce(req);
		if (!isV1) return serve({ req, res, method, url, match, body });

		const entry: LogEntry = {
			at: nowIso(),
			method,
			path,
			query: Object.fromEntries(url.searchParams),
			route: match.pattern,
			status: null,
			token: accessTokenProvenance(state, req.headers.authorization),
		};
		// Read by path, whether or not the endpoint exists: a foreign refresh token is noted either way.
		if (method === 'POST' && path === REFRESH_PATH) {
			entry.refreshToken = refreshTokenProvenance(state, await body().catch(() => ''));
		}
		if (entry.token === 'unknown' || entry.refreshToken === 'unknown') counters.foreignTokens++;
		const refused = admit(state);
		if (refused) {
			const sent = inErrorShape(state.settings, refused);
			record(entry, sent.status);
			return sendReply(res, sent);
		}
		try {
			await serve({ req, res, method, url, match, body, entry });
		} finally {
			leave(state);
		}
	}

	/** Latency, injected faults and the route's handler; resolves once answered, dropped or hanging. */
	async function serve({ req, res, method, url, match, body, entry }: Exchange): Promise<void> {
		if (entry && state.settings.latencyMs > 0) await timers.delay(state.settings.latencyMs);

		// Faults act before routing and auth: they stand for the network or a gateway in front of the API.
		const fault = takeFault(state, method, url.pathname);
		if (fault?.kind === 'drop') {
			record(entry, null, 'drop');
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'hang') {
			// Read, then never answered: close() destroys the socket. Returning ends the request's time in
			// flight: a hang is no work in progress (and would otherwise fill maxInFlight in deadline tests).
			await body().catch(() => undefined);
			record(entry, null, 'hang');
			return;
		}
		const reply = fault?.kind === 'status' ? faultReply(fault) : await run(match, req, url, body);
		if (fault?.kind === 'dropResponse') {
			// The work is done (state changed); only the answer is lost, as when a connection dies late.
			record(entry, null, 'dropResponse');
			req.socket.destroy();
			return;
		}
		// A refusal counts as one whatever shape and HTTP code it goes out with (errorsInHttp200).
		if (entry && reply.status === 401) state.counters.unauthorized++;
		const sent = entry ? inErrorShape(state.settings, reply) : reply;
		record(entry, sent.status, fault?.kind);
		sendReply(res, sent);
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((error) => {
			if (!res.headersSent) sendReply(res, errorReply(error));
			else res.destroy();
		});
	});
	server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
	return server;
}
