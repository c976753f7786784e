/**
 * Connections and the Client's side of Step 4/5: portal credentials submitted -> pending -> after a
 * delay success or failure (a password containing "wrong" fails), each change sent as a webhook event.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryQueue } from './deliveries';
import { badRequest, conflict, notFound } from './errors';
import { seedInvoices } from './invoices';
import { nowIso } from './state';
import type { Timers } from './timers';
import type {
	Connection,
	ConnectionStatus,
	CreateConnectionInput,
	PortalCredentialsInput,
	PortalSubmission,
	SandboxState,
} from './types';
import { isUuid } from './validate';

/** The portals the collector page offers; the control API accepts any portal name. */
export const PORTALS = ['Walmart Retail Link', 'Ariba', 'Coupa', 'Tradeshift', 'SPS Commerce'] as const;

const STATUSES: readonly ConnectionStatus[] = ['pending', 'success', 'failure'];

export function statusMessage(portalName: string, status: ConnectionStatus, firstLogin: boolean): string {
	if (status === 'success') return `Login to ${portalName} succeeded`;
	if (status === 'failure') return `Login to ${portalName} failed: the portal rejected the username or password`;
	return firstLogin
		? `Waiting for the first login to ${portalName}`
		: `Waiting for the login to ${portalName} with the updated credentials`;
}

function requireText(input: Record<string, unknown>, field: string): string {
	const value = input[field];
	if (typeof value !== 'string' || value.trim() === '') throw badRequest(`'${field}' is required (a non-empty string)`);
	return value;
}

function findClient(state: SandboxState, clientUuid: string) {
	const client = isUuid(clientUuid) ? state.clients.get(clientUuid.toLowerCase()) : undefined;
	if (!client) throw notFound(`Client ${clientUuid} not found`);
	return client;
}

/** One connection per client and portal (portal names compared case-insensitively). */
function findConnection(state: SandboxState, clientUuid: string, portalName: string): Connection | undefined {
	const wanted = portalName.toLowerCase();
	for (const connection of state.connections.values()) {
		if (connection.clientUUID === clientUuid && connection.portalName.toLowerCase() === wanted) return connection;
	}
	return undefined;
}

export class ConnectionFlow {
	/** The pending decision per connection; a new submission cancels the previous one. */
	private readonly decisions = new Map<string, NodeJS.Timeout | undefined>();
	/** Connections that have had their first success (invoices are seeded only then). */
	private readonly seeded = new Set<string>();

	constructor(
		private readonly state: SandboxState,
		private readonly timers: Timers,
		private readonly deliveries: DeliveryQueue,
	) {}

	createConnection(input: CreateConnectionInput): Connection {
		if (typeof input !== 'object' || input === null) throw badRequest('Body must be a JSON object');
		const raw = input as unknown as Record<string, unknown>;
		const client = findClient(this.state, requireText(raw, 'clientUUID'));
		const portalName = requireText(raw, 'portalName').trim();
		const status = input.status ?? 'success';
		if (!STATUSES.includes(status)) throw badRequest(`'status' must be one of ${STATUSES.join(', ')}`);
		let id: string = randomUUID();
		if (input.connection_uuid !== undefined) {
			if (!isUuid(input.connection_uuid)) throw badRequest("'connection_uuid' must be a UUID");
			id = input.connection_uuid.toLowerCase();
			if (this.state.connections.has(id)) throw conflict(`Connection ${id} already exists`);
		}
		if (findConnection(this.state, client.clientUUID, portalName)) {
			throw conflict(`Client ${client.clientUUID} already has a connection to ${portalName}`);
		}
		const now = nowIso();
		const connection: Connection = {
			connection_uuid: id,
			clientUUID: client.clientUUID,
			customerUUID: client.customerUUID,
			portalName,
			status,
			message: statusMessage(portalName, status, true),
			createdAt: now,
			updatedAt: now,
		};
		this.state.connections.set(id, connection);
		// A connection seeded as established counts as having had its first success already.
		if (status === 'success') this.seeded.add(id);
		return connection;
	}

	submitPortalCredentials(input: PortalCredentialsInput): PortalSubmission {
		if (typeof input !== 'object' || input === null) throw badRequest('Body must be a JSON object');
		const raw = input as unknown as Record<string, unknown>;
		const clientUuid = requireText(raw, 'clientUUID');
		const portalName = requireText(raw, 'portalName').trim();
		const username = requireText(raw, 'username');
		const password = requireText(raw, 'password');
		const client = findClient(this.state, clientUuid);

		let connection = findConnection(this.state, client.clientUUID, portalName);
		const firstLogin = !connection;
		const now = nowIso();
		if (!connection) {
			connection = {
				connection_uuid: randomUUID(),
				clientUUID: client.clientUUID,
				customerUUID: client.customerUUID,
				portalName,
				status: 'pending',
				message: '',
				createdAt: now,
				updatedAt: now,
			};
			this.state.connections.set(connection.connection_uuid, connection);
		}
		connection.username = username;
		this.setStatus(connection, 'pending', firstLogin);

		// The password is only looked at here and never stored.
		const outcome: ConnectionStatus = /wrong/i.test(password) ? 'failure' : 'success';
		const id = connection.connection_uuid;
		this.timers.clear(this.decisions.get(id));
		const target = connection;
		this.decisions.set(
			id,
			this.timers.set(() => {
				this.decisions.delete(id);
				if (outcome === 'success' && !this.seeded.has(id)) {
					this.seeded.add(id);
					seedInvoices(this.state, { connection_uuid: id, count: this.state.settings.invoicesOnSuccess });
				}
				this.setStatus(target, outcome, firstLogin);
			}, this.state.settings.connectionDecisionDelayMs),
		);
		return {
			connection_uuid: id,
			clientUUID: connection.clientUUID,
			customerUUID: connection.customerUUID,
			portalName: connection.portalName,
			status: 'pending',
		};
	}

	/** Every status change (pending on each submission included) becomes one webhook event. */
	private setStatus(connection: Connection, status: ConnectionStatus, firstLogin: boolean): void {
		const occurredAt = nowIso();
		connection.status = status;
		connection.message = statusMessage(connection.portalName, status, firstLogin);
		connection.updatedAt = occurredAt;
		this.deliveries.emit({
			eventId: randomUUID(),
			event: 'clientPortalLoginChange',
			occurredAt,
			customerUUID: connection.customerUUID,
			clientUUID: connection.clientUUID,
			connection_uuid: connection.connection_uuid,
			portalName: connection.portalName,
			status,
			retryRequired: status === 'failure',
			message: connection.message,
		});
	}
}
