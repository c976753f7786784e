/** The PortalDuct /v1 API, as this project builds against it. */
import type { SandboxCore } from './core';
import { SandboxError, badRequest, conflict, notFound } from './errors';
import { Route, RequestContext, json, noContent } from './http-util';
import { clientBalance, invoicesResponse } from './invoices';
import { register, registrationAnswer, unregister, unservedRegistrationMethod } from './registration';
import { nowIso } from './state';
import { issueTokens, refreshTokens, tokenResponse } from './tokens';
import type { Client, Customer } from './types';
import { optionalEmail, optionalMetadata, requireObjectBody, requireString, requireUuid } from './validate';

/** Runs a login/refresh handler and counts its success or failure. */
function counted<T>(onOk: () => void, onFail: () => void, run: () => T): T {
	try {
		const result = run();
		onOk();
		return result;
	} catch (error) {
		onFail();
		throw error;
	}
}

function requireCredentialString(body: Record<string, unknown>, field: string): string {
	const value = body[field];
	if (value === undefined || value === null || value === '') throw badRequest(`'${field}' is required`);
	if (typeof value !== 'string') throw badRequest(`'${field}' must be a string`);
	return value;
}

export function v1Routes(core: SandboxCore): Route[] {
	const { state } = core;

	const login = (ctx: RequestContext) =>
		counted(
			() => state.counters.logins++,
			() => state.counters.loginFailures++,
			() => {
				const body = requireObjectBody(ctx.json());
				const email = requireCredentialString(body, 'email');
				const password = requireCredentialString(body, 'password');
				// Email addresses compare case-insensitively; passwords exactly.
				if (email.trim().toLowerCase() !== state.account.email.toLowerCase() || password !== state.account.password) {
					throw new SandboxError(401, 'invalid_credentials', 'Email or password is wrong');
				}
				return json(200, tokenResponse(state, issueTokens(state)));
			},
		);

	const refresh = (ctx: RequestContext) =>
		counted(
			() => state.counters.refreshes++,
			() => state.counters.refreshFailures++,
			() => {
				const body = requireObjectBody(ctx.json());
				const refreshToken = requireCredentialString(body, 'refreshToken');
				return json(200, tokenResponse(state, refreshTokens(state, refreshToken)));
			},
		);

	const addCustomer = (ctx: RequestContext) => {
		const body = requireObjectBody(ctx.json());
		const customerUUID = requireUuid(body, 'customerUUID');
		const name = requireString(body, 'name');
		const email = optionalEmail(body);
		const metadata = optionalMetadata(body);
		if (state.customers.has(customerUUID)) throw conflict(`Customer ${customerUUID} already exists`);
		const customer: Customer = {
			customerUUID,
			name,
			...(email !== undefined ? { email } : {}),
			...(metadata !== undefined ? { metadata } : {}),
			createdAt: nowIso(),
		};
		state.customers.set(customerUUID, customer);
		return json(201, customer);
	};

	const addClient = (ctx: RequestContext) => {
		const body = requireObjectBody(ctx.json());
		const customerUUID = requireUuid(body, 'customerUUID');
		const clientUUID = requireUuid(body, 'clientUUID');
		const name = requireString(body, 'name');
		const email = optionalEmail(body);
		const metadata = optionalMetadata(body);
		if (!state.customers.has(customerUUID)) throw notFound(`Customer ${customerUUID} not found`);
		// Client ids are unique across the account, not only within one customer.
		if (state.clients.has(clientUUID)) throw conflict(`Client ${clientUUID} already exists`);
		const client: Client = {
			clientUUID,
			customerUUID,
			name,
			...(email !== undefined ? { email } : {}),
			...(metadata !== undefined ? { metadata } : {}),
			createdAt: nowIso(),
		};
		state.clients.set(clientUUID, client);
		return json(201, client);
	};

	const webhookPath = '/v1/clientsPortalLoginChanges';
	return [
		{ method: 'POST', pattern: '/v1/login', handler: login },
		{ method: 'POST', pattern: '/v1/refreshToken', handler: refresh },
		{ method: 'POST', pattern: '/v1/addNewCustomer', auth: true, handler: addCustomer },
		{ method: 'POST', pattern: '/v1/addNewCustomerClient', auth: true, handler: addClient },
		{
			method: 'POST',
			pattern: webhookPath,
			auth: true,
			handler: (ctx) => json(201, registrationAnswer(state, register(state, requireObjectBody(ctx.json())))),
		},
		{
			method: 'GET',
			pattern: webhookPath,
			auth: true,
			handler: (ctx) => {
				const unserved = unservedRegistrationMethod(state, ctx);
				if (unserved) return unserved;
				if (!state.registration) throw notFound('No webhook is registered for portal login changes');
				return json(200, registrationAnswer(state, state.registration));
			},
		},
		{
			method: 'DELETE',
			pattern: webhookPath,
			auth: true,
			handler: (ctx) => {
				const unserved = unservedRegistrationMethod(state, ctx);
				if (unserved) return unserved;
				unregister(state);
				return noContent();
			},
		},
		{
			method: 'GET',
			pattern: '/v1/getClientInvoices/:connection_uuid',
			auth: true,
			handler: (ctx) =>
				json(200, invoicesResponse(state, ctx.params.connection_uuid.toLowerCase(), ctx.query, `http://${ctx.headers.host}`)),
		},
		{
			method: 'GET',
			pattern: '/v1/getClientBalance/:clientUUID',
			auth: true,
			handler: (ctx) => json(200, clientBalance(state, ctx.params.clientUUID.toLowerCase())),
		},
	];
}
