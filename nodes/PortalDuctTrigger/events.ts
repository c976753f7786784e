/** Turning a PortalDuct delivery into the item a workflow gets. */
import type { IDataObject } from 'n8n-workflow';

import { connectionStatuses, type ConnectionStatus } from '../PortalDuct/api';

export function readStatus(body: IDataObject): ConnectionStatus | undefined {
	const status = typeof body.status === 'string' ? body.status.toLowerCase() : '';
	return (connectionStatuses as readonly string[]).includes(status)
		? (status as ConnectionStatus)
		: undefined;
}

export function summarize(body: IDataObject, status: ConnectionStatus): string {
	const portal = (body.portalName as string) || 'Portal';
	const client = (body.clientUUID as string) || 'unknown client';
	// PortalDuct's message may itself start "Login to Ariba failed: ...": keep only the reason.
	const reason = typeof body.message === 'string' ? body.message.replace(/^login to .*? (failed|succeeded)[:.]?\s*/i, '') : '';
	const message = reason ? `: ${reason}` : '';
	if (status === 'failure') {
		return `${portal} login failed for client ${client}${message}. Ask the client to re-enter their portal credentials.`;
	}
	if (status === 'success') return `${portal} login succeeded for client ${client}`;
	return `${portal} connection of client ${client} is waiting for its first login`;
}

/** The delivery's fields, with what a next step needs most first (tables show them first). */
export function toItem(body: IDataObject, status: ConnectionStatus): IDataObject {
	const item: IDataObject = {
		status,
		portalName: body.portalName,
		clientUUID: body.clientUUID,
		retryRequired: typeof body.retryRequired === 'boolean' ? body.retryRequired : status === 'failure',
		summary: summarize(body, status),
		message: body.message,
	};
	for (const [key, value] of Object.entries(body)) if (!(key in item)) item[key] = value;
	return item;
}
