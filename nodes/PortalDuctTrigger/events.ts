/** Turning a PortalDuct delivery into the item a workflow gets. */
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { deliveryField, deliveryFields, deliveryText, readRetryRequired, type DeliveryStatus, type ReadDelivery } from '../PortalDuct/api';

/** The prefix of a delivery key made from the body, when PortalDuct sent no id. */
export const BODY_HASH_PREFIX = 'sha256:';

/**
 * The key a delivery is deduplicated on: PortalDuct's event id (any of its names), else
 * `sha256:<hex SHA-256 of the raw body>`; a redelivery sends the same bytes [assumed], so it gets
 * the same key. `raw` gives the body as received (n8n's rawBody), else its JSON; called only without an id.
 */
export function deliveryKey(read: ReadDelivery, raw: () => Buffer | string): string {
	return read.eventId ?? `${BODY_HASH_PREFIX}${createHash('sha256').update(raw()).digest('hex')}`;
}

const asText = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** One sentence for people: what changed, for which portal and client, and what to do. */
export function summarize(
	fields: { portalName?: unknown; clientUUID?: unknown; message?: string; statusSent?: unknown },
	status: DeliveryStatus,
): string {
	const portal = asText(fields.portalName) ?? 'Portal';
	const client = asText(fields.clientUUID) ?? 'unknown client';
	// PortalDuct's message may itself start "Login to Ariba failed: ...": keep only the reason.
	const reason = fields.message ? fields.message.replace(/^login to .*? (failed|succeeded)[:.]?\s*/i, '') : '';
	const message = reason ? `: ${reason}` : '';
	if (status === 'failure') {
		return `${portal} login failed for client ${client}${message}. Ask the client to re-enter their portal credentials.`;
	}
	if (status === 'success') return `${portal} login succeeded for client ${client}`;
	if (status === 'pending') return `${portal} connection of client ${client} is waiting for its first login`;
	const word = fields.statusSent === undefined ? 'no status' : `status ${JSON.stringify(fields.statusSent)}`;
	return `${portal} connection of client ${client}: PortalDuct sent ${word}, which this trigger does not know as pending, success or failure${message}`;
}

/**
 * The item of a delivery: `status` (pending / success / failure / other), `portalName`,
 * `clientUUID`, `retryRequired` (as sent, else true for failure), `summary`, `message`,
 * `statusSent` (the word PortalDuct sent), `eventId` (`key`: PortalDuct's id or the body's hash),
 * `connection_uuid`, `customerUUID`, `occurredAt`, each read from whichever variant came
 * (`deliveryFields`), then every field PortalDuct sent, as sent (a wrapper object under its own
 * name). What a next step needs comes first: n8n's table view shows it without scrolling. A body
 * that is not a JSON object comes as `body`.
 */
export function toItem(read: ReadDelivery, key: string, parsed: unknown): IDataObject {
	const field = (names: readonly string[]) => deliveryField(read, names);
	const portalName = field(deliveryFields.portalName);
	const clientUUID = field(deliveryFields.clientUUID);
	const message = deliveryText(read, deliveryFields.message);
	const item: IDataObject = { status: read.status };
	const put = (name: string, value: IDataObject[string]) => {
		if (value !== undefined) item[name] = value;
	};
	put('portalName', portalName);
	put('clientUUID', clientUUID);
	item.retryRequired = readRetryRequired(read) ?? read.status === 'failure';
	item.summary = summarize({ portalName, clientUUID, message, statusSent: read.statusSent }, read.status);
	put('message', message);
	put('statusSent', read.statusSent);
	item.eventId = key;
	put('connection_uuid', field(deliveryFields.connection_uuid));
	put('customerUUID', field(deliveryFields.customerUUID));
	put('occurredAt', field(deliveryFields.occurredAt));
	if (!read.body) {
		item.body = parsed as IDataObject;
		return item;
	}
	for (const name in read.body) if (item[name] === undefined) item[name] = read.body[name];
	return item;
}
