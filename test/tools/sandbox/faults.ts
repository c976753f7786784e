/** Injected faults: the next `count` requests matching method + path prefix fail in a chosen way. */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { badRequest } from './errors';
import type { FaultSpec, InjectedFault, SandboxState } from './types';
import type { Reply } from './http-util';

const KINDS = ['status', 'drop', 'dropResponse', 'hang'];

export function addFault(state: SandboxState, spec: FaultSpec): InjectedFault {
	if (typeof spec !== 'object' || spec === null) throw badRequest('Fault must be a JSON object');
	const { method, path, count, kind, status, retryAfterSeconds, body, contentType } = spec;
	if (typeof path !== 'string' || !path.startsWith('/')) {
		throw badRequest("'path' must be a request path prefix starting with '/', e.g. '/v1/getClientInvoices/'");
	}
	if (path.startsWith('/_sandbox')) throw badRequest('Faults cannot target the /_sandbox control endpoints');
	if (method !== undefined && (typeof method !== 'string' || !/^[A-Za-z]+$/.test(method))) {
		throw badRequest("'method' must be an HTTP method such as 'GET'");
	}
	if (!Number.isInteger(count) || count < 1) throw badRequest("'count' must be an integer >= 1");
	if (!KINDS.includes(kind)) throw badRequest(`'kind' must be one of ${KINDS.join(', ')}`);
	if (kind === 'status' && (!Number.isInteger(status) || (status as number) < 200 || (status as number) > 599)) {
		throw badRequest("'status' must be an HTTP status from 200 to 599 for kind 'status'");
	}
	if (retryAfterSeconds !== undefined && (typeof retryAfterSeconds !== 'number' || retryAfterSeconds < 0)) {
		throw badRequest("'retryAfterSeconds' must be a number >= 0");
	}
	if (body !== undefined && typeof body !== 'string') throw badRequest("'body' must be a string (sent as is)");
	if (contentType !== undefined && typeof contentType !== 'string') throw badRequest("'contentType' must be a string");
	const fault: InjectedFault = {
		id: randomUUID(),
		...(method !== undefined ? { method: method.toUpperCase() } : {}),
		path,
		count,
		kind,
		...(status !== undefined ? { status } : {}),
		...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
		...(body !== undefined ? { body } : {}),
		...(contentType !== undefined ? { contentType } : {}),
		remaining: count,
	};
	state.faults.push(fault);
	return fault;
}

/** Takes one use of the first fault matching the request, oldest first. */
export function takeFault(state: SandboxState, method: string, path: string): InjectedFault | undefined {
	const index = state.faults.findIndex(
		(f) => f.remaining > 0 && (f.method === undefined || f.method === method) && path.startsWith(f.path),
	);
	if (index < 0) return undefined;
	const fault = state.faults[index];
	fault.remaining--;
	if (fault.remaining === 0) state.faults.splice(index, 1);
	return fault;
}

const ERROR_CODES: Record<number, string> = {
	400: 'invalid_request',
	401: 'unauthorized',
	403: 'forbidden',
	404: 'not_found',
	409: 'conflict',
	422: 'unprocessable_entity',
	429: 'rate_limited',
	500: 'internal_error',
	502: 'bad_gateway',
	503: 'service_unavailable',
	504: 'gateway_timeout',
};

/** The answer of a 'status' fault: the JSON error body, or the raw body exactly as given. */
export function faultReply(fault: InjectedFault): Reply {
	const status = fault.status ?? 500;
	const headers: Record<string, string> = {};
	if (status === 429) headers['Retry-After'] = String(fault.retryAfterSeconds ?? 1);
	else if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
	if (fault.body !== undefined) {
		return { status, headers, raw: fault.body, contentType: fault.contentType ?? 'text/plain; charset=utf-8' };
	}
	const text = STATUS_CODES[status] ?? 'Error';
	const code = ERROR_CODES[status] ?? text.toLowerCase().replace(/[^a-z0-9]+/g, '_');
	const message = status === 429 ? 'Too many requests; retry after the Retry-After delay' : `${text} (injected fault)`;
	return { status, headers, json: { error: code, message } };
}
