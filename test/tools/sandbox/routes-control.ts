/**
 * /_sandbox control endpoints: the programmatic SandboxControl over HTTP (JSON in and out, no auth),
 * so a person or a process that did not start the sandbox (real n8n e2e, benchmarks) can drive it.
 */
import type { SandboxCore } from './core';
import { Route, json } from './http-util';
import type { SandboxControl } from './types';

const CONTROL_INDEX = [
	'GET    /_sandbox/stats',
	'POST   /_sandbox/stats/reset',
	'GET    /_sandbox/log',
	'GET    /_sandbox/settings',
	'PATCH  /_sandbox/settings',
	'GET    /_sandbox/faults',
	'POST   /_sandbox/faults',
	'DELETE /_sandbox/faults',
	'POST   /_sandbox/reject-token-once',
	'POST   /_sandbox/revoke-tokens',
	'POST   /_sandbox/portal-credentials',
	'POST   /_sandbox/connections',
	'POST   /_sandbox/invoices',
	'PATCH  /_sandbox/invoices/:invoiceId',
	'GET    /_sandbox/deliveries',
	'GET    /_sandbox/registration',
	'POST   /_sandbox/redeliver/:eventId',
	'GET    /_sandbox/state',
];

export function controlRoutes(core: SandboxCore, control: SandboxControl): Route[] {
	const { state } = core;
	// The JSON body typed as the control method's input; each method checks it itself.
	const body = <T>(ctx: { json(): unknown }): T => ctx.json() as T;
	return [
		{
			method: 'GET',
			pattern: '/_sandbox',
			handler: () =>
				json(200, { name: 'PortalDuct sandbox', login: state.account, endpoints: CONTROL_INDEX }),
		},
		{ method: 'GET', pattern: '/_sandbox/stats', handler: () => json(200, control.stats()) },
		{
			method: 'POST',
			pattern: '/_sandbox/stats/reset',
			handler: () => {
				control.resetStats();
				return json(200, control.stats());
			},
		},
		{ method: 'GET', pattern: '/_sandbox/log', handler: () => json(200, control.log()) },
		{ method: 'GET', pattern: '/_sandbox/settings', handler: () => json(200, control.getSettings()) },
		{ method: 'PATCH', pattern: '/_sandbox/settings', handler: (ctx) => json(200, control.updateSettings(body(ctx))) },
		{ method: 'GET', pattern: '/_sandbox/faults', handler: () => json(200, control.faults()) },
		{ method: 'POST', pattern: '/_sandbox/faults', handler: (ctx) => json(201, control.injectFault(body(ctx))) },
		{
			method: 'DELETE',
			pattern: '/_sandbox/faults',
			handler: () => {
				const cleared = control.faults().length;
				control.clearFaults();
				return json(200, { cleared });
			},
		},
		{
			method: 'POST',
			pattern: '/_sandbox/reject-token-once',
			handler: () => {
				control.rejectTokenOnce();
				return json(200, { rejectNext: true });
			},
		},
		{
			method: 'POST',
			pattern: '/_sandbox/revoke-tokens',
			handler: () => {
				control.revokeTokens();
				return json(200, { revoked: true });
			},
		},
		{
			method: 'POST',
			pattern: '/_sandbox/portal-credentials',
			handler: async (ctx) => json(201, await control.submitPortalCredentials(body(ctx))),
		},
		{
			method: 'POST',
			pattern: '/_sandbox/connections',
			handler: (ctx) => json(201, control.createConnection(body(ctx))),
		},
		{ method: 'POST', pattern: '/_sandbox/invoices', handler: (ctx) => json(201, control.seedInvoices(body(ctx))) },
		{
			method: 'PATCH',
			pattern: '/_sandbox/invoices/:invoiceId',
			handler: (ctx) => json(200, control.changeInvoice(ctx.params.invoiceId, body(ctx))),
		},
		{ method: 'GET', pattern: '/_sandbox/deliveries', handler: () => json(200, control.deliveries()) },
		{
			method: 'GET',
			pattern: '/_sandbox/registration',
			// null when none: the question "is something registered?" has a normal answer, not an error.
			handler: () => json(200, control.registration()),
		},
		// Test-only by design: leak scans need to know what to look for.
		{ method: 'GET', pattern: '/_sandbox/secrets', handler: () => json(200, control.secrets()) },
		{
			method: 'POST',
			pattern: '/_sandbox/redeliver/:eventId',
			handler: async (ctx) => json(202, await control.redeliver(ctx.params.eventId)),
		},
		{
			method: 'GET',
			pattern: '/_sandbox/state',
			// A readable dump for people (ids to paste into n8n); tests use sandbox.state directly.
			handler: () =>
				json(200, {
					customers: [...state.customers.values()],
					clients: [...state.clients.values()],
					connections: [...state.connections.values()].map((c) => ({
						...c,
						invoices: state.invoices.get(c.connection_uuid)?.length ?? 0,
					})),
					registration: control.registration(),
				}),
		},
	];
}
