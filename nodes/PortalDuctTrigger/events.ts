/** Turning a PortalDuct delivery into the item a workflow gets. */
import type { IDataObject } from 'n8n-workflow';

import { connectionStatuses, type ConnectionStatus } from '../PortalDuct/api';

/** How many eventIds each registration remembers to drop PortalDuct's redeliveries. */
export const SEEN_EVENTS_KEPT = 500;

export function readStatus(body: IDataObject): ConnectionStatus | undefined {
	const status = typeof body.status === 'string' ? body.status.toLowerCase() : '';
	return (connectionStatuses as readonly string[]).includes(status)
		? (status as ConnectionStatus)
		: undefined;
}

export function summarize(body: IDataObject, status: ConnectionStatus): string {
	const portal = (body.portalName as string) || 'Portal';
	const client = (body.clientUUID as string) || 'unknown client';
	const message = typeof body.message === 'string' && body.message ? `: ${body.message}` : '';
	if (status === 'failure') {
		return `${portal} login failed for client ${client}${message}. Ask the client to re-enter their portal credentials.`;
	}
	if (status === 'success') return `${portal} login succeeded for client ${client}`;
	return `${portal} connection of client ${client} is waiting for its first login`;
}

export function toItem(body: IDataObject, status: ConnectionStatus): IDataObject {
	return {
		...body,
		status,
		retryRequired: typeof body.retryRequired === 'boolean' ? body.retryRequired : status === 'failure',
		summary: summarize(body, status),
	};
}

/** Records an eventId; returns false when it was already seen. Oldest ids are forgotten first. */
export function firstSighting(seen: string[], eventId: string): boolean {
	if (seen.includes(eventId)) return false;
	seen.push(eventId);
	if (seen.length > SEEN_EVENTS_KEPT) seen.splice(0, seen.length - SEEN_EVENTS_KEPT);
	return true;
}
