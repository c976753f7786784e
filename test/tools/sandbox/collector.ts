/** /collector: the page a Client uses to hand over portal credentials (Step 4), and its JSON calls. */
import { PORTALS } from './connections';
import type { SandboxCore } from './core';
import { notFound } from './errors';
import { Route, html, json } from './http-util';
import { collectorPage, messagePage } from './collector-page';
import type { PortalCredentialsInput } from './types';
import { isUuid } from './validate';

export function collectorRoutes(core: SandboxCore): Route[] {
	const { state, connections } = core;
	return [
		{
			method: 'GET',
			pattern: '/collector',
			handler: (ctx) => {
				const clientUuid = ctx.query.get('clientUUID') ?? '';
				if (!clientUuid) {
					return html(400, messagePage('Missing client', 'Open this page as /collector?clientUUID=<the client UUID>.'));
				}
				const client = isUuid(clientUuid) ? state.clients.get(clientUuid.toLowerCase()) : undefined;
				if (!client) {
					return html(
						404,
						messagePage('Unknown client', `No client ${clientUuid} exists in this sandbox. Create it first (addNewCustomerClient).`),
					);
				}
				return html(200, collectorPage(client, PORTALS));
			},
		},
		{
			method: 'POST',
			pattern: '/collector/submit',
			handler: (ctx) => json(201, connections.submitPortalCredentials(ctx.json() as PortalCredentialsInput)),
		},
		{
			method: 'GET',
			pattern: '/collector/status',
			handler: (ctx) => {
				const id = (ctx.query.get('connection_uuid') ?? '').toLowerCase();
				const connection = state.connections.get(id);
				if (!connection) throw notFound(`Connection ${id || '(none given)'} not found`);
				return json(200, {
					connection_uuid: connection.connection_uuid,
					portalName: connection.portalName,
					status: connection.status,
					retryRequired: connection.status === 'failure',
					message: connection.message,
				});
			},
		},
	];
}
